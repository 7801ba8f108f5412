"""A reviewer signs in through a real browser and lands on their queue; htmx is loaded."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser
from sqlalchemy.orm import Session, sessionmaker

from roca.api.app import create_app
from roca.auth.roles import Role
from roca.auth.schemas import UserCreate
from roca.auth.service import create_user
from roca.config import Settings
from roca.storage import make_engine, session_scope
from tests.servers import running


def test_reviewer_signs_in_and_sees_the_queue(
    browser: Browser, settings: Settings, session_factory: sessionmaker[Session], artifacts: Path
) -> None:
    with session_scope(session_factory) as session:
        create_user(
            session,
            UserCreate(username="ana", password="pa55word!", role=Role.REVIEWER, display_name="Ana Li"),
            "t",
        )
    engine = make_engine(settings)
    with running(create_app(settings, engine)) as base_url:
        page = browser.new_page()
        page.goto(f"{base_url}/")
        assert page.url.endswith("/login")
        page.fill("input[name=username]", "ana")
        page.fill("input[name=password]", "wrong-password")
        page.click("button[type=submit]")
        assert "Wrong username or password" in page.content()
        page.fill("input[name=username]", "ana")
        page.fill("input[name=password]", "pa55word!")
        page.click("button[type=submit]")
        page.wait_for_url(f"{base_url}/")
        assert "My queue" in page.content() and "Ana Li" in page.content()
        assert page.evaluate("typeof window.htmx") == "object"
        page.screenshot(path=str(artifacts / f"queue-en-{engine.dialect.name}.png"), full_page=True)
        page.goto(f"{base_url}/?lang=zh")
        assert "我的队列" in page.content()
        page.screenshot(path=str(artifacts / f"queue-zh-{engine.dialect.name}.png"), full_page=True)
        page.close()
    engine.dispose()
