"""The acceptance journey: a reviewer takes the next case, overturns ROCA with a Chinese annotation
and a root cause; a risk lead, in another browser session, sees the overturn on the dashboard."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page
from sqlalchemy.orm import Session, sessionmaker

from roca.api.app import create_app
from roca.auth.roles import Role
from roca.config import Settings
from roca.storage import make_engine
from tests.console import PASSWORD, console_user
from tests.console_cases import scored_case_with_task
from tests.servers import running

ANNOTATION = "设备与历史一致。用户已电话确认。"


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_an_overturn_reaches_the_lead_dashboard(
    browser: Browser, settings: Settings, session_factory: sessionmaker[Session], artifacts: Path
) -> None:
    console_user(session_factory, "mei", Role.REVIEWER, language="zh")
    console_user(session_factory, "lena", Role.RISK_LEAD)
    case_id, _ = scored_case_with_task(session_factory, settings, case_type="ato")  # ROCA: confirm_ato
    engine = make_engine(settings)
    with running(create_app(settings, engine)) as base_url:
        reviewer = browser.new_context(viewport={"width": 1400, "height": 900})
        page = reviewer.new_page()
        _sign_in(page, base_url, "mei")
        page.click("form[action='/queue/next'] button")
        page.wait_for_url(f"{base_url}/cases/{case_id}")
        page.check("input[name=decision][value=not_ato]")
        page.select_option("#root_cause", "misweighted_signal")
        page.fill("#annotation", ANNOTATION)
        page.click("#decision-form button[type=submit]")
        page.wait_for_url(f"{base_url}/?empty=1")
        reviewer.close()

        lead = browser.new_context(viewport={"width": 1400, "height": 900})
        page = lead.new_page()
        _sign_in(page, base_url, "lena")
        page.goto(f"{base_url}/dashboard")
        assert page.inner_text("[data-testid=overturn-count-ato]") == "1"
        assert page.inner_text("[data-testid=overturn-rate-ato]") == "100.0%"
        assert page.inner_text("[data-testid=automation-all-ato]") == "0.0%"  # a person decided it
        page.screenshot(path=str(artifacts / f"dashboard-overturn-{engine.dialect.name}.png"), full_page=True)
        lead.close()
    engine.dispose()
