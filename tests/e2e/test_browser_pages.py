"""Every page in both languages, on a desktop and on a phone: it renders, runs without a script
or CSP error, fits the screen, and is saved as a screenshot to look at. Public pages, then the
pages of a bidder, a creditor and court staff once signed in."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.e2e.browser import sign_in
from tests.e2e.conftest import Server
from tests.e2e.test_two_workers import live_demo_lot
from tests.e2e.tour import DEVICES, check_and_save, open_device

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
# What each demo user sees once signed in; the court's case is the console's first.
SIGNED_IN = {
    "bidder1": {"my-auctions": "/me", "inbox": "/inbox"},
    "creditor2": {"my-cases": "/me/cases"},
    "court": {"console": "/court"},
}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_public_page_in_both_languages_and_on_a_phone(
    embedded_server: Server, new_page: Callable[..., Page], language: str
) -> None:
    pages = dict(PAGES, lot=f"/lots/{live_demo_lot(embedded_server)['id']}")
    for device in DEVICES:
        page, errors = open_device(new_page, device)
        page.goto(f"{embedded_server.base_url}/lang/{language}")
        for name, path in pages.items():
            page.goto(embedded_server.base_url + path)
            check_and_save(page, name, language, device)
        assert errors == [], errors


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_signed_in_page_in_both_languages_and_on_a_phone(
    embedded_server: Server, new_page: Callable[..., Page], language: str
) -> None:
    for device in DEVICES:
        for username, pages in SIGNED_IN.items():
            page, errors = open_device(new_page, device)
            first, *rest = pages.items()
            sign_in(page, embedded_server, username, first[1], language)
            check_and_save(page, first[0], language, device)
            for name, path in rest:
                page.goto(embedded_server.base_url + path)
                check_and_save(page, name, language, device)
            if username == "court":
                with page.expect_navigation():
                    page.locator("#cases a").first.click()
                check_and_save(page, "case", language, device)
            assert errors == [], f"{username}: {errors}"
