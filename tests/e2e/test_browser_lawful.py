"""Before the hammer in real Chromium, on the demo: a company signs up with its credit code and
registers for a home under a purchase limit, undertaking that it qualifies."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from auction.accounts import credit_code, identity
from tests.e2e.conftest import Server
from tests.e2e.test_two_workers import token
from tests.lawful import FULL_DISCLOSURE


def restricted_home(server: Server) -> int:
    """Through the API: a published real-estate lot under a housing purchase limit."""
    court = {"Authorization": f"Bearer {token(server, 'court')}"}
    url = server.base_url + "/api/v1"
    case = httpx.post(
        f"{url}/cases",
        headers=court,
        json={
            "case_number": f"(2026)浙0106执{uuid.uuid4().int % 100_000}号",
            "debtor": {"name": "周某", "kind": "natural"},
        },
    ).json()
    prop = httpx.post(
        f"{url}/properties",
        headers=court,
        json={
            "case_id": case["id"],
            "title": "滨江区住宅一套",
            "category": "real_estate",
            "appraised_value": 3_000_000,
        },
    ).json()
    start = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    lot = httpx.post(
        f"{url}/lots",
        headers=court,
        json={
            "property_id": prop["id"],
            "round": 1,
            "starting_price": 2_100_000,
            "increment": 10_000,
            "deposit": 210_000,
            "start_at": start.isoformat(),
            "end_at": (start + dt.timedelta(hours=1)).isoformat(),
            "disclosure": FULL_DISCLOSURE,
            "purchase_restriction": "杭州市住房限购：本市户籍家庭限购两套",
        },
    ).json()
    assert httpx.post(f"{url}/lots/{lot['id']}/publish", headers=court).status_code == 200
    return int(lot["id"])


def test_a_company_signs_up_and_registers_for_a_home_with_its_undertaking(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    lot_id = restricted_home(server)
    serial = uuid.uuid4().int % 10**6
    code = credit_code.complete(f"91330106MA{serial:06d}X")
    page = new_page()
    page.goto(f"{server.base_url}/lang/zh")
    page.goto(f"{server.base_url}/signup")
    page.click("#company-signup summary")
    form = page.locator("#company-signup form")
    form.locator("[name=username]").fill(f"company{serial}")
    form.locator("[name=password]").fill("a-long-pass-9")
    form.locator("[name=real_name]").fill("杭州某某科技有限公司")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    form.locator("[name=credit_code]").fill(wrong)
    form.locator("[name=representative_name]").fill("周某某")
    form.locator("[name=representative_id_number]").fill(identity.complete("33010619800101123"))
    form.locator("#company-signup-submit").click()
    # The check character is wrong: the page says so, and keeps what was typed.
    expect(page.locator("ul.error [data-field=credit_code]")).to_contain_text("统一社会信用代码")
    form = page.locator("#company-signup form")
    assert form.locator("[name=real_name]").input_value() == "杭州某某科技有限公司"
    form.locator("[name=credit_code]").fill(code)
    form.locator("[name=password]").fill("a-long-pass-9")
    form.locator("[name=representative_id_number]").fill(identity.complete("33010619800101123"))
    with page.expect_navigation():
        form.locator("#company-signup-submit").click()

    page.goto(f"{server.base_url}/lots/{lot_id}")
    expect(page.locator("#purchase-restriction")).to_contain_text("限购两套")
    expect(page.locator("#disclosure")).to_contain_text("执行依据")
    undertaking = page.locator("label.undertaking input[name=undertaking]")
    expect(undertaking).to_be_visible()
    undertaking.check()
    with page.expect_navigation():
        page.locator("form[action$='/register'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("竞买号")
