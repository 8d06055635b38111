"""Every public page in both languages, on a desktop and on a phone: it renders, runs without a
script or CSP error, fits the screen, and is saved as a screenshot to look at."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, Server
from tests.e2e.test_two_workers import live_demo_lot

PAGES = {
    "home": "/",
    "results": "/results",
    "announcements": "/announcements",
    "disclosure": "/disclosure?list=dishonest",
    "statistics": "/statistics",
    "fees": "/service/fees?amount=1000000",
    "rules": "/service/rules",
    "login": "/login",
    "signup": "/signup",
}
HEADINGS = {"zh": {"home": "正在进行与即将开始的拍卖"}, "en": {"home": "Live and upcoming lots"}}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_public_page_in_both_languages_and_on_a_phone(
    embedded_server: Server, new_page: Callable[..., Page], language: str
) -> None:
    pages = dict(PAGES, lot=f"/lots/{live_demo_lot(embedded_server)['id']}")
    folder = ARTIFACTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    for device, viewport in (
        ("desktop", {"width": 1280, "height": 800}),
        ("phone", {"width": 375, "height": 740}),
    ):
        page = new_page()
        page.set_viewport_size(viewport)
        errors: list[str] = []
        page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{embedded_server.base_url}/lang/{language}")
        for name, path in pages.items():
            page.goto(embedded_server.base_url + path)
            expect(page.locator("html")).to_have_attribute("lang", "en" if language == "en" else "zh-CN")
            expect(page.locator("h1")).to_be_visible()
            if name in HEADINGS[language]:
                expect(page.locator("h1")).to_have_text(HEADINGS[language][name])
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name} is {overflow}px wider than a {device} screen"
            page.screenshot(path=str(folder / f"{name}-{language}-{device}.png"), full_page=True)
        assert errors == [], errors
