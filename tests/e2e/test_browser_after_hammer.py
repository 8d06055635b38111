"""After the hammer in real Chromium (issue 17): the court rules on a paid sale and records the
hand-over from the lot page; the court annuls a sale and the public reads why."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.e2e.browser import answer_confirmations, sign_in
from tests.e2e.conftest import ARTIFACTS, Server
from tests.e2e.test_browser_console import sell_a_lot_of_the_demo_case


def test_the_court_rules_on_a_paid_sale_and_records_the_hand_over(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    lot_id, _ = sell_a_lot_of_the_demo_case(server)
    court = new_page()
    sign_in(court, server, "court", f"/lots/{lot_id}")
    asked = answer_confirmations(court)
    # No ruling before the price is paid in full: the page does not offer it.
    expect(court.locator("#issue-ruling")).to_have_count(0)
    with court.expect_navigation():
        court.click("#balance-paid")
    with court.expect_navigation():
        court.click("#issue-ruling")
    expect(court.locator("#status")).to_have_attribute("data-status", "ruled")
    expect(court.locator("#ruling-banner")).to_contain_text("所有权")
    assert any("裁定" in question for question in asked.asked)
    court.click("#ruling-link")
    expect(court.locator("article.ruling")).to_contain_text("执行裁定书")
    expect(court.locator("#ruling-buyer")).to_contain_text("陈刚")  # bidder3's real name, now the owner
    court.screenshot(path=str(ARTIFACTS / "ruling-zh.png"), full_page=True)
    court.go_back()
    with court.expect_navigation():
        court.click("#handover")
    expect(court.locator("#status")).to_have_attribute("data-status", "delivered")
    court.click("#assistance-link")
    expect(court.locator("article.ruling")).to_contain_text("协助执行通知书")

    # The console lists nothing overdue for this lot any more: it is handed over.
    court.goto(f"{server.base_url}/court")
    expect(court.locator(f"#deadlines a[href='/lots/{lot_id}']")).to_have_count(0)


def test_the_court_annuls_a_sale_and_the_public_reads_why(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    lot_id, case_id = sell_a_lot_of_the_demo_case(server)
    court = new_page()
    sign_in(court, server, "court", f"/lots/{lot_id}", "en")
    answer_confirmations(court)
    court.click("details.annul summary")
    court.select_option(".annul-form select[name=ground]", "misdescription")
    # The reason is required: the browser keeps the form until it is given.
    court.click("#annul")
    expect(court.locator("#status")).to_have_attribute("data-status", "sold")
    court.fill(".annul-form input[name=reason]", "The floor area was overstated by half")
    with court.expect_navigation():
        court.click("#annul")
    expect(court.locator("#status")).to_have_attribute("data-status", "annulled")
    expect(court.locator("#relist")).to_have_attribute("href", f"/court/cases/{case_id}")

    public = new_page()
    public.goto(f"{server.base_url}/lang/en")
    public.goto(f"{server.base_url}/lots/{lot_id}")
    banner = public.locator("#annulled-banner")
    expect(banner).to_contain_text("annulled")
    expect(banner).to_contain_text("seriously untrue")
    expect(banner).to_contain_text("The floor area was overstated by half")
    public.set_viewport_size({"width": 390, "height": 844})
    public.screenshot(path=str(ARTIFACTS / "annulled-en-phone.png"), full_page=True)
