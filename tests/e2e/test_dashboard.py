"""A risk lead reads the dashboard in a real browser, in English and Chinese, with its charts drawn;
a reviewer is refused the page and its policy actions."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page
from sqlalchemy.orm import Session, sessionmaker

from roca.api.app import create_app
from roca.auth.roles import Role
from roca.config import Settings
from roca.storage import make_engine
from tests.console import PASSWORD, console_user
from tests.dashboard_seed import seed_month
from tests.servers import running

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def _chart_drawn(page: Page, testid: str) -> None:
    chart = page.locator(f"[data-testid={testid}] svg")
    assert chart.count() == 1
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    assert chart.locator("path").count() > 20  # axes, curves and glyphs, not an empty frame


def test_a_lead_reads_the_dashboard_in_both_languages(
    browser: Browser, settings: Settings, session_factory: sessionmaker[Session], artifacts: Path
) -> None:
    seed_month(session_factory)
    console_user(session_factory, "lena", Role.RISK_LEAD)
    engine = make_engine(settings)
    dialect = engine.dialect.name
    with running(create_app(settings, engine)) as base_url:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        _sign_in(page, base_url, "lena")
        page.click("nav.areas a[href='/dashboard']")
        page.wait_for_url(f"{base_url}/dashboard")
        assert page.inner_text("h1") == "Risk dashboard"
        _chart_drawn(page, "chart-automation")
        _chart_drawn(page, "chart-coverage")
        assert page.inner_text("[data-testid=audits-ato]") == "30"
        assert "6 errors in 31 blind audits" in page.inner_text("[data-testid=drift-alerts]")
        assert page.is_visible("[data-testid=approve-v2]")
        page.screenshot(path=str(artifacts / f"dashboard-en-{dialect}.png"), full_page=True)

        page.goto(f"{base_url}/dashboard?lang=zh")
        assert page.inner_text("h1") == "风险看板"
        _chart_drawn(page, "chart-automation")
        assert "31 次盲审中有 6 次错误" in page.inner_text("[data-testid=drift-alerts]")
        page.screenshot(path=str(artifacts / f"dashboard-zh-{dialect}.png"), full_page=True)
        context.close()
    engine.dispose()


def test_a_reviewer_is_refused_the_dashboard_and_its_actions(
    browser: Browser, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    console_user(session_factory, "ana", Role.REVIEWER)
    engine = make_engine(settings)
    with running(create_app(settings, engine)) as base_url:
        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, base_url, "ana")
        assert page.locator("nav.areas a[href='/dashboard']").count() == 0
        response = page.goto(f"{base_url}/dashboard")
        assert response is not None and response.status == 403
        assert "Request refused" in page.content() and "Automation and error" not in page.content()
        page.goto(f"{base_url}/")
        token = _CSRF.search(page.content())
        assert token is not None
        for action in ("recompute", "approve", "shadow"):
            form = {"csrf_token": token.group(1), "version": "v1", "case_type": "ato", "on": "true"}
            refused = page.request.post(f"{base_url}/dashboard/policy/{action}", form=form)
            assert refused.status == 403, action
        context.close()
    engine.dispose()
