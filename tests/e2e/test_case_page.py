"""A reviewer takes the next case in a real browser, overturns ROCA with the keyboard and a Chinese
annotation, and moves on; the live sentence counter counts as the server does."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from roca.agent.narrative import sentence_count
from roca.api.app import create_app
from roca.auth.roles import Role
from roca.config import Settings
from roca.models import Decision
from roca.storage import make_engine
from tests.console import PASSWORD, console_user
from tests.console_cases import scored_case_with_task
from tests.servers import running

SAMPLES = [
    "",
    "One. Two! Three?",
    "一。二！三？四",
    "客户已报备换号。设备为本人所有。",
    "ROCA said 0.97, e.g. a Tor exit. Next",
    "Mr. Smith left. Then etc. and so on",
    "Withdrawal ? after login",
    "line one\nline two\r\nline three.",
    "\u201cQuoted.\u201d Then more. And ATO-2.3 applies",
    "The U.S. desk agrees. Co. Ltd. Inc. Yes",
    "Wait... really?! Yes。",
]


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def test_a_reviewer_overturns_roca_from_the_keyboard(
    browser: Browser, settings: Settings, session_factory: sessionmaker[Session], artifacts: Path
) -> None:
    console_user(session_factory, "ana", Role.REVIEWER)
    # KYC: ROCA recommends request_info (the third decision), so key 2 (reject) overturns it.
    case_id, _ = scored_case_with_task(session_factory, settings, case_type="kyc", events=30)
    engine = make_engine(settings)
    dialect = engine.dialect.name
    with running(create_app(settings, engine)) as base_url:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        _sign_in(page, base_url, "ana")
        page.click("form[action='/queue/next'] button")
        page.wait_for_url(f"{base_url}/cases/{case_id}")
        assert "ROCA's recommendation" in page.content() and "Request more information" in page.content()
        assert page.evaluate("window.rocaSentenceCount !== undefined")
        counted = page.evaluate("(samples) => samples.map(window.rocaSentenceCount)", SAMPLES)
        assert counted == [sentence_count(text) for text in SAMPLES]
        page.screenshot(path=str(artifacts / f"case-en-{dialect}.png"), full_page=True)

        page.goto(f"{base_url}/cases/{case_id}?lang=zh")
        page.fill("#annotation", "护照照片与自拍明显不是同一人。客户拒绝补充材料。")
        assert page.inner_text("#sentence-counter .counter-value") == "2 / 3"
        page.keyboard.type("第三句。第四句。")
        assert page.inner_text("#sentence-counter .counter-value") == "4 / 3"
        assert "over" in (page.get_attribute("#sentence-counter", "class") or "")
        page.fill("#annotation", "护照照片与自拍明显不是同一人。客户拒绝补充材料。")
        page.locator("h1").click()  # out of the textarea: digits choose a decision again
        page.keyboard.press("2")
        assert page.is_checked("input[name=decision][value=reject]")
        assert page.is_visible("#differs-hint") and page.evaluate(
            "document.getElementById('root_cause').required"
        )
        page.select_option("#root_cause", "misweighted_signal")
        page.screenshot(path=str(artifacts / f"case-zh-{dialect}.png"), full_page=True)
        page.keyboard.press("Control+Enter")
        page.wait_for_url(f"{base_url}/?empty=1")
        assert "我的队列" in page.content()
        page.close()
    engine.dispose()
    with session_factory() as session:
        made = session.scalar(select(Decision).where(Decision.case_id == case_id))
        assert made is not None and (made.decision, made.root_cause) == ("reject", "misweighted_signal")
        assert (
            made.agrees_with_roca is False
            and made.annotation == "护照照片与自拍明显不是同一人。客户拒绝补充材料。"
        )
