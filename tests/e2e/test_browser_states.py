"""The states a person meets on the pages, in real Chromium (issue 21): a tab whose sign-in
ended elsewhere, refusals as pages, a suspended lot, the court's confirmations and reasons, the
lot after its close. Each state is toured in both languages on a desktop and a phone."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.browser import answer_confirmations, short_lot, sign_in, wait_for_status
from tests.e2e.conftest import Server
from tests.e2e.test_two_workers import token
from tests.e2e.tour import DEVICES, small_targets, tour_state


def ready_to_bid(page: Page) -> None:
    expect(page.locator("#connection")).to_have_attribute("data-state", "up", timeout=10_000)
    expect(page.locator("#status")).to_have_attribute("data-status", "live", timeout=10_000)
    page.wait_for_selector("#next-amounts button", timeout=5000)


def court_headers(server: Server) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(server, 'court')}"}


def test_a_tab_whose_sign_in_ended_elsewhere_bids_no_more(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    lot_id, _ = short_lot(server, "bidder3", seconds=300)
    lot_tab = new_page()
    sign_in(lot_tab, server, "bidder3", f"/lots/{lot_id}")
    ready_to_bid(lot_tab)
    # A second tab of the same browser signs out.
    other_tab = lot_tab.context.new_page()
    other_tab.goto(f"{server.base_url}/me")
    with other_tab.expect_navigation():
        other_tab.click("header form[action='/logout'] button")
    # The lot tab is told at once, can no longer bid, and is offered to sign in again.
    alert = lot_tab.locator("#bid-result [role=alert]")
    expect(alert).to_contain_text("您已退出登录", timeout=6000)
    expect(lot_tab.locator("#bid-form")).to_be_hidden()
    expect(lot_tab.locator("#proxy-form")).to_be_hidden()
    # Nothing was bid in its name meanwhile.
    assert httpx.get(f"{server.base_url}/api/v1/lots/{lot_id}/bids").json() == []
    with lot_tab.expect_navigation():
        alert.locator("a").click()
    lot_tab.fill("input[name=username]", "bidder3")
    lot_tab.fill("input[name=password]", "demo-pass-2026")
    with lot_tab.expect_navigation(url=f"**/lots/{lot_id}"):
        lot_tab.click("main form button[type=submit]")
    ready_to_bid(lot_tab)

    # Cookies cleared in the browser (no sign-out reaches the server): the page asks when it
    # is looked at again, and stops bidding as well.
    lot_tab.context.clear_cookies()
    lot_tab.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(lot_tab.locator("#bid-result [role=alert]")).to_contain_text("您已退出登录", timeout=5000)
    expect(lot_tab.locator("#bid-form")).to_be_hidden()


def test_refusals_are_pages_in_the_visitors_language_with_a_way_on(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    page = new_page()
    answer = page.goto(f"{server.base_url}/lots/999999")
    assert answer is not None and answer.status == 404
    expect(page.locator("h1")).to_have_text("未找到")
    expect(page.locator("ul.ways a[href='/']")).to_have_text("返回首页")
    tour_state(page, server, "error-not-found")

    # A form sent after its CSRF cookie went: the form again, filled in, with a fresh token.
    page.goto(f"{server.base_url}/login")
    page.fill("input[name=username]", "bidder1")
    page.fill("input[name=password]", "demo-pass-2026")
    page.context.clear_cookies()
    page.click("main form button[type=submit]")
    expect(page.locator("main .error[role=alert]")).to_contain_text("表单已失效")
    expect(page.locator("input[name=username]")).to_have_value("bidder1")
    page.fill("input[name=password]", "demo-pass-2026")
    with page.expect_navigation(url=f"{server.base_url}/"):
        page.click("main form button[type=submit]")

    # Signed in, a page the account may not open says so, with the visitor's own header.
    page.goto(f"{server.base_url}/court")
    expect(page.locator("h1")).to_have_text("无权访问")
    expect(page.locator("header .who")).to_have_text("bidder1")
    expect(page.locator("header a[href='/login']")).to_have_count(0)
    tour_state(page, server, "error-forbidden")

    # A session that ended says why it sends the visitor to sign in.
    page.context.add_cookies([{"name": "auction_session", "value": "ended", "url": server.base_url}])
    page.goto(f"{server.base_url}/me")
    expect(page.locator("main .error[role=alert]")).to_contain_text("登录已失效")
    tour_state(page, server, "login-session-ended")


def test_a_suspended_lot_shows_why_stands_still_and_comes_back(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    lot_id, _ = short_lot(server, "bidder3", seconds=300)
    page = new_page()
    sign_in(page, server, "bidder3", f"/lots/{lot_id}")
    ready_to_bid(page)
    suspended = httpx.post(
        f"{server.base_url}/api/v1/lots/{lot_id}/suspend",
        headers=court_headers(server),
        json={"reason": "案外人提出执行异议"},
    )
    assert suspended.status_code == 200, suspended.text
    # At once, without a reload: the state, the court's reason, a clock standing still, no bidding.
    expect(page.locator("#status")).to_have_text("中止", timeout=3000)
    expect(page.locator("#state-banner")).to_contain_text("案外人提出执行异议", timeout=3000)
    expect(page.locator("#bid-form button[type=submit]")).to_be_disabled()
    expect(page.locator("#amount")).to_be_disabled()
    expect(page.locator("#end-time")).to_have_text("—")
    frozen = page.locator("#countdown").text_content()
    time.sleep(1.5)
    assert page.locator("#countdown").text_content() == frozen
    tour_state(page, server, "lot-suspended")
    expect(page.locator("#countdown")).to_have_text(frozen or "", timeout=3000)  # still, after reloads

    resumed = httpx.post(f"{server.base_url}/api/v1/lots/{lot_id}/resume", headers=court_headers(server))
    assert resumed.status_code == 200, resumed.text
    expect(page.locator("#state-banner")).to_be_hidden(timeout=3000)
    expect(page.locator("#bid-form button[type=submit]")).to_be_enabled()
    expect(page.locator("#countdown")).not_to_have_text(frozen or "", timeout=3000)
    end_text = page.locator("#end-time").text_content() or ""
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", end_text), end_text
    # One end everywhere: the home list shows the lot's end as its page does.
    page.goto(server.base_url + "/")
    expect(page.locator(f"tr:has(a[href='/lots/{lot_id}'])")).to_contain_text(end_text)


def test_court_actions_ask_first_and_need_their_reasons(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    lot_id, _ = short_lot(server, "bidder3", seconds=300)
    wait_for_status(server, lot_id, "live")
    court = new_page()
    sign_in(court, server, "court", f"/lots/{lot_id}")
    answers = answer_confirmations(court, accept=False)
    # No reason: the form does not go (the reason is published).
    court.click("#suspend")
    assert answers.asked == []
    # A reason, then "no" to the question: nothing happens.
    court.fill("#court-actions form:has(#suspend) input[name=reason]", "申请执行人申请暂缓")
    court.click("#suspend")
    assert len(answers.asked) == 1 and "中止" in answers.asked[0]
    time.sleep(1)
    assert httpx.get(f"{server.base_url}/api/v1/lots/{lot_id}").json()["status"] == "live"
    # "Yes": suspended, and the public notice carries the reason.
    answers.accept = True
    with court.expect_navigation():
        court.click("#suspend")
    expect(court.locator("#status")).to_have_attribute("data-status", "suspended")
    notices = httpx.get(f"{server.base_url}/api/v1/announcements?lot_id={lot_id}").json()["items"]
    assert any("申请执行人申请暂缓" in n["body_zh"] for n in notices if n["kind"] == "suspension")
    # Withdrawing needs its reason too.
    court.click("#cancel-lot")
    expect(court.locator("#status")).to_have_attribute("data-status", "suspended")
    court.fill("#court-actions form:has(#cancel-lot) input[name=reason]", "被执行人已履行完毕")
    with court.expect_navigation():
        court.click("#cancel-lot")
    expect(court.locator("#state-banner")).to_contain_text("被执行人已履行完毕")
    tour_state(court, server, "lot-withdrawn")


def test_the_lot_after_its_close_reads_as_a_sale(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    lot_id, _ = short_lot(server, "bidder3", seconds=8)
    page = new_page()
    sign_in(page, server, "bidder3", f"/lots/{lot_id}")
    ready_to_bid(page)
    # On a phone the confirmation step's buttons are big enough for a finger.
    page.set_viewport_size(DEVICES["phone"])  # type: ignore[arg-type]
    page.locator("#next-amounts button").first.click()
    page.click("#bid-form button[type=submit]")
    expect(page.locator("#confirm-yes")).to_be_visible()
    assert small_targets(page) == []
    page.click("#confirm-yes")
    expect(page.locator("#standing")).to_have_attribute("data-state", "leading", timeout=3000)
    expect(page.locator("#standing")).to_have_text("您已竞得本标的", timeout=20_000)
    # The same after a reload: the outcome, the confirmation, a final price and a buyer, no
    # empty forms, a chart with its one bid.
    wait_for_status(server, lot_id, "sold")
    page.reload()
    expect(page.locator("#standing")).to_have_text("您已竞得本标的")
    expect(page.locator("#confirmation-link")).to_have_attribute("href", f"/lots/{lot_id}/confirmation")
    expect(page.locator("#price-label")).to_have_text("成交价")
    expect(page.locator("#leader-label")).to_have_text("买受人")
    expect(page.locator("#bid-form, #proxy-form")).to_have_count(0)
    expect(page.locator("#price-dots circle")).to_have_count(1)
    tour_state(page, server, "lot-won")
