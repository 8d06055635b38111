"""Before the hammer in real Chromium, on the demo: a company signs up with its credit code and
registers for a home under a purchase limit, undertaking that it qualifies."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from auction.accounts import credit_code, identity
from tests.e2e.browser import NewLot, answer_confirmations, listed_by_api, sign_in, wait_for_status
from tests.e2e.conftest import Server
from tests.lawful import FULL_DISCLOSURE


def published_lot(
    server: Server,
    *,
    category: str = "real_estate",
    start_in: dt.timedelta = dt.timedelta(hours=2),
    bidding: dt.timedelta = dt.timedelta(hours=1),
    purchase_restriction: str | None = None,
) -> tuple[int, int]:
    """Through the API: a published lot of a new case, (lot id, case id)."""
    title = "滨江区住宅一套" if category == "real_estate" else "浙B·8A888 小型轿车"
    new = NewLot("周某", title, category, 3_000_000, start_in, bidding, FULL_DISCLOSURE, purchase_restriction)
    return listed_by_api(server, new, publish=True)


def test_a_company_signs_up_and_registers_for_a_home_with_its_undertaking(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    lot_id, _ = published_lot(server, purchase_restriction="杭州市住房限购：本市户籍家庭限购两套")
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


def test_a_company_bids_through_an_agent_the_court_confirmed(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    """The company registers and names its agent with the power of attorney; the court confirms
    it in the console before bidding; the agent bids under the company's bidder code."""
    server = embedded_server
    lot_id, case_id = published_lot(
        server, category="vehicle", start_in=dt.timedelta(seconds=40), bidding=dt.timedelta(minutes=3)
    )
    serial = uuid.uuid4().int % 10**6
    username = f"firm{serial}"
    made = httpx.post(
        f"{server.base_url}/api/v1/users",
        json={
            "username": username,
            "password": "a-long-pass-9",
            "kind": "legal",
            "real_name": "宁波某某物流有限公司",
            "credit_code": credit_code.complete(f"91330200MA{serial:06d}Y"),
            "representative_name": "吴某",
            "representative_id_number": identity.complete("33020319750505123"),
        },
    )
    assert made.status_code == 201, made.text

    firm = new_page()
    firm.goto(f"{server.base_url}/lang/zh")
    firm.goto(f"{server.base_url}/login?next=/lots/{lot_id}")
    firm.fill("input[name=username]", username)
    firm.fill("input[name=password]", "a-long-pass-9")
    firm.click("main form button[type=submit]")
    firm.wait_for_url(f"{server.base_url}/lots/{lot_id}")
    with firm.expect_navigation():
        firm.locator("form[action$='/register'] button[type=submit]").click()
    with firm.expect_navigation():
        firm.locator("form[action$='/pay'] button[type=submit]").click()
    code = firm.locator("#bidbox").get_attribute("data-bidder-code")
    firm.click("#name-agent summary")
    agent_form = firm.locator("#name-agent form")
    agent_form.locator("[name=agent_username]").fill("bidder3")
    agent_form.locator("input[type=file]").set_input_files(
        files=[{"name": "授权委托书.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    with firm.expect_navigation():
        agent_form.locator("button[type=submit]").click()

    court = new_page()
    sign_in(court, server, "court", f"/court/cases/{case_id}", "zh")
    answer_confirmations(court)
    row = court.locator(".agent-row")
    expect(row).to_contain_text("宁波某某物流有限公司")
    with court.expect_navigation():
        row.locator("button.confirm-agent").click()
    expect(court.locator(".agent-row .confirmed-agent")).to_be_visible()

    wait_for_status(server, lot_id, "live", timeout_s=60)
    agent = new_page()
    sign_in(agent, server, "bidder3", f"/lots/{lot_id}", "zh")
    expect(agent.locator("#as-agent")).to_be_visible()
    expect(agent.locator("#bidbox")).to_have_attribute("data-bidder-code", code or "")
    agent.wait_for_selector("#next-amounts button", timeout=5000)
    agent.locator("#next-amounts button").first.click()
    agent.click("#bid-form button[type=submit]")
    agent.click("#confirm-yes")
    expect(agent.locator("#history tbody tr[data-seq='1']")).to_contain_text(code or "", timeout=5000)
    expect(firm.locator("#history tbody tr[data-seq='1']")).to_contain_text(code or "", timeout=5000)
