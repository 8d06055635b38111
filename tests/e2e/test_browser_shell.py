"""The page shell in a real Chromium: Chinese renders, the gateway URL is embedded."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e.conftest import ARTIFACTS, Server


def test_home_page_renders_in_chromium(embedded_server: Server, page: Page) -> None:
    page.goto(embedded_server.base_url + "/")
    assert "首页" in page.title()
    assert page.locator("table.lots tbody tr").count() >= 2
    assert page.locator("meta[name=realtime-url]").get_attribute("content", timeout=2000).startswith("ws://")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
