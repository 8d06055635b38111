"""Steps the browser tests share."""

from __future__ import annotations

from playwright.sync_api import Page

from auction.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import Server


def sign_in(page: Page, server: Server, username: str, target: str, language: str = "zh") -> None:
    """Choose the language, sign in with the demo account and land on `target`."""
    password = next(a.password for a in DEMO_ACCOUNTS if a.username == username)
    page.goto(f"{server.base_url}/lang/{language}")
    page.goto(f"{server.base_url}/login?next={target}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{server.base_url}{target}")
