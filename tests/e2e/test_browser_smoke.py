"""The browser harness itself: Chromium loads a page ROCA serves and we can take a screenshot."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from roca.api.app import create_app
from roca.config import Settings
from roca.storage import make_engine
from tests.servers import running


def test_chromium_reads_the_api_docs(browser: Browser, settings: Settings, artifacts: Path) -> None:
    engine = make_engine(settings)
    with running(create_app(settings, engine)) as base_url:
        page = browser.new_page()
        page.goto(f"{base_url}/healthz")
        assert '"status":"ok"' in page.content()
        page.screenshot(path=str(artifacts / "healthz.png"))
        page.close()
    engine.dispose()
