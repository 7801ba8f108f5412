"""A QA analyst audits an automatic decision in a real browser without ever seeing ROCA's answer."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent.repository import latest_scoring
from roca.api.app import create_app
from roca.auth.roles import Role
from roca.config import Settings
from roca.models import Decision, ReviewTask
from roca.storage import make_engine
from tests.console import PASSWORD, console_user
from tests.console_cases import scored_case_with_task
from tests.servers import running

LABELS = {"confirm_ato": "Confirm account takeover", "not_ato": "Not account takeover"}
# The page's text without the decision choices: those list every decision, ROCA's among them.
TEXT_WITHOUT_CHOICES = """() => {
  const main = document.querySelector("main").cloneNode(true);
  main.querySelectorAll("fieldset.choices").forEach((choices) => choices.remove());
  return main.innerText;
}"""


def _roca_answer(factory: sessionmaker[Session], case_id: int) -> tuple[str, float, str]:
    """ROCA's automatic decision on the case, its confidence and its narrative."""
    with factory() as session:
        scoring = latest_scoring(session, case_id)
        automatic = session.scalar(
            select(Decision.decision).where(Decision.case_id == case_id, Decision.automatic.is_(True))
        )
        assert scoring is not None and automatic is not None
        return automatic, scoring.confidence, scoring.narrative_en


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def _assert_blind(page: Page, decision: str, confidence: float, narrative: str) -> None:
    text = page.evaluate(TEXT_WITHOUT_CHOICES)
    assert LABELS[decision] not in text
    assert f"{round(confidence * 100)}%" not in text and f"{confidence:.2f}" not in text
    # The narrative's opening states the recommendation; its evidence repeats signal findings,
    # which a blind audit does show.
    headline = narrative.split(". ")[0]
    assert headline not in page.content() and narrative not in page.content()
    assert page.locator(".roca-pick").count() == 0  # no "ROCA" tag beside any choice
    assert page.get_attribute("#decision-form", "data-recommended") is None


def test_a_qa_analyst_audits_blind(
    browser: Browser, settings: Settings, session_factory: sessionmaker[Session], artifacts: Path
) -> None:
    console_user(session_factory, "quinn", Role.QA)
    case_id, task_id = scored_case_with_task(session_factory, settings, kind="qa")
    decision, confidence, narrative = _roca_answer(session_factory, case_id)
    engine = make_engine(settings)
    try:
        with running(create_app(settings, engine)) as base_url:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            _sign_in(page, base_url, "quinn")
            page.click("nav.areas a[href='/qa']")
            page.wait_for_url(f"{base_url}/qa")
            assert page.inner_text("#qa-total") == "1"
            assert LABELS[decision] not in page.inner_text("main")

            page.click("form[action='/qa/next'] button")
            page.wait_for_url(f"{base_url}/cases/{case_id}")
            assert "Your audit" in page.content()
            _assert_blind(page, decision, confidence, narrative)
            page.screenshot(path=str(artifacts / f"qa-audit-{engine.dialect.name}.png"), full_page=True)

            page.check(f"input[name=decision][value={decision}]")  # the evidence points the same way
            page.click("#decision-form button[type=submit]")
            page.wait_for_url(f"{base_url}/qa?empty=1")  # no audit left: back to the QA page
            assert "No audit is waiting." in page.inner_text("main")
            assert page.inner_text("#qa-total") == "0"
            page.close()
    finally:
        engine.dispose()
    with session_factory() as session:
        task = session.get(ReviewTask, task_id)
        assert task is not None and task.status == "done"
        audit = session.scalar(select(Decision).where(Decision.task_id == task_id))
        assert audit is not None and audit.actor == "quinn" and audit.agrees_with_roca is True
