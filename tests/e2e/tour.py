"""The page tour's checks and screenshots, shared by the tour of every page and by the tests of
each page state (issue 21): in the chosen language, with its heading, no wider than the screen,
no stray English word on a Chinese page, fingers' room on a phone; saved to look at."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, Server

DEVICES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
FOLDER = ARTIFACTS / "pages"
HEADINGS = {"zh": {"home": "正在进行与即将开始的拍卖"}, "en": {"home": "Live and upcoming lots"}}

# ASCII words a Chinese page may show: names, units and formats people know by these letters.
# Anything else (an internal code, an untranslated message, "sandbox") fails the tour.
ALLOWED_WORDS = {
    "English",  # the language switch, in its own language
    "PDF",
    "JSON",
    "API",
    "CSV",
    "SHA",
    "Cookie",
    "JPEG",
    "PNG",
    "WebP",
    "SMS",
    "PingFang",
    "X",  # a car model (宝马 X5)
    "BMW",
}
# Proper names and codes: bidder codes (letters and digits), plates, case numbers.
WORD = re.compile(r"(?<![A-Za-z0-9_·])[A-Za-z][A-Za-z]+(?![A-Za-z0-9_])")
TOUCH_PX = 44


def stray_words(page: Page) -> list[str]:
    """ASCII words in what a Chinese page shows (text, labels, placeholders, button words)."""
    text = page.locator("body").inner_text()
    # What people named (a username, a property's title) is marked translate="no": not ours.
    for named in page.locator('[translate="no"]').all_inner_texts():
        text = text.replace(named, " ")
    return sorted({word for word in WORD.findall(text) if word not in ALLOWED_WORDS})


def small_targets(page: Page) -> list[str]:
    """Buttons and menu links a finger cannot hit: shorter than 44 px on a phone."""
    found: list[str] = page.evaluate(
        """(least) => [...document.querySelectorAll('button, nav a, ul.ways a, .amounts button')]
            .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().height < least)
            .map((e) => `${e.textContent.trim()} (${Math.round(e.getBoundingClientRect().height)}px)`)""",
        TOUCH_PX,
    )
    return found


def check_and_save(page: Page, name: str, language: str, device: str) -> None:
    """The page is in the chosen language, has its heading, fits the screen; saved to look at."""
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == "en" else "zh-CN")
    expect(page.locator("h1")).to_be_visible()
    if name in HEADINGS[language]:
        expect(page.locator("h1")).to_have_text(HEADINGS[language][name])
    # Tables keep every column but the ones marked secondary (a bidder code, an amount, a
    # starting price must not vanish on a phone); wide tables scroll inside themselves.
    headers = page.locator("table.lots th:not(.secondary)")
    for index in range(headers.count()):
        expect(headers.nth(index)).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{name} is {overflow}px wider than a {device} screen"
    if language == "zh":
        words = stray_words(page)
        assert words == [], f"{name}: English or internal words on a Chinese page: {words}"
    if device == "phone":
        small = small_targets(page)
        assert small == [], f"{name}: touch targets under {TOUCH_PX}px: {small}"
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(FOLDER / f"{name}-{language}-{device}.png"), full_page=True)


def open_device(new_page: Callable[..., Page], device: str) -> tuple[Page, list[str]]:
    page = new_page()
    page.set_viewport_size(DEVICES[device])  # type: ignore[arg-type]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page, errors


def tour_state(page: Page, server: Server, name: str) -> None:
    """The state the page is in, checked and saved in both languages on a desktop and a phone
    (it must survive a reload: the server draws it, not only the script), then back to where
    the page was, in Chinese at desktop size."""
    path = page.url.removeprefix(server.base_url)
    for language in ("zh", "en"):
        page.goto(f"{server.base_url}/lang/{language}?next={quote(path, safe='/')}")
        for device, size in DEVICES.items():
            page.set_viewport_size(size)  # type: ignore[arg-type]
            check_and_save(page, name, language, device)
    page.goto(f"{server.base_url}/lang/zh?next={quote(path, safe='/')}")
    page.set_viewport_size(DEVICES["desktop"])  # type: ignore[arg-type]
