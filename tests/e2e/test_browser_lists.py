"""The lists from the court console in real Chromium (issue 18): the court puts a case's debtor on
the dishonest list, the public finds them, the court removes the entry and they are gone."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from auction.accounts import identity
from tests.e2e.browser import answer_confirmations, sign_in
from tests.e2e.conftest import ARTIFACTS, Server
from tests.e2e.test_two_workers import token


def test_the_court_lists_a_debtor_and_removes_the_entry(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    court = {"Authorization": f"Bearer {token(server, 'court')}"}
    case = httpx.post(
        f"{server.base_url}/api/v1/cases",
        headers=court,
        json={
            "case_number": f"(2026)浙0106执{uuid.uuid4().int % 100_000}号",
            "debtor": {
                "name": "失信测试人",
                "kind": "natural",
                "id_number": identity.complete("33010619800202004"),
            },
        },
    ).json()
    page = new_page()
    sign_in(page, server, "court", f"/court/cases/{case['id']}")
    answer_confirmations(page)
    page.click("text=纳入失信被执行人名单")
    page.select_option("#dishonest-form select[name=ground]", "obstructs_enforcement")
    page.fill("#dishonest-form input[name=period_months]", "12")
    page.click("#dishonest-form button[type=submit]")
    # A period shorter than the rules allow comes back beside its field; nothing is lost.
    expect(page.locator("#dishonest-form [data-error-for=period_months]")).not_to_be_empty()
    page.fill("#dishonest-form input[name=period_months]", "36")
    with page.expect_navigation():
        page.click("#dishonest-form button[type=submit]")
    entry = page.locator("#list-entries li[data-list=dishonest]")
    expect(entry).to_contain_text("妨碍、抗拒执行")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(ARTIFACTS / "court-lists-zh-phone.png"), full_page=True)

    public = new_page()
    public.goto(f"{server.base_url}/disclosure?list=dishonest&q=失信测试人")
    expect(public.locator("main")).to_contain_text("失信测试人")

    page.select_option("#list-entries select[name=reason]", "revoked")
    with page.expect_navigation():
        page.click("#list-entries button.remove-entry")
    expect(entry).to_have_class("removed")
    public.reload()
    expect(public.locator("main")).not_to_contain_text("失信测试人")
