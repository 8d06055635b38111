"""The court console and the creditor's plan page in real Chromium, on the demo."""

from __future__ import annotations

import datetime as dt
import struct
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.browser import NewLot, answer_confirmations, listed_by_api, short_lot, sign_in, wait_for_status
from tests.e2e.conftest import ARTIFACTS, Server, start_server
from tests.e2e.test_two_workers import token

CST = dt.timezone(dt.timedelta(hours=8))


def cst_input(moment: dt.datetime) -> str:
    return moment.astimezone(CST).strftime("%Y-%m-%dT%H:%M:%S")


def tiny_png() -> bytes:
    """A valid 1×1 PNG: the upload sniffs the content, not the name."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x8b\x1a\x1a")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def fill_disclosure(form: Locator) -> None:
    """What the announcement must disclose, typed into the console's fields."""
    form.locator("[name='disclosure.instrument']").fill("(2025)浙0106民初1234号民事判决书")
    form.locator("[name='disclosure.reference_price.method']").select_option("appraisal")
    valid_until = dt.datetime.now(CST).date() + dt.timedelta(days=200)
    form.locator("[name='disclosure.reference_price.valid_until']").fill(valid_until.isoformat())
    form.locator("[name='disclosure.encumbrances']").fill("抵押权人杭州银行，成交后解除")
    form.locator("[name='disclosure.occupancy']").fill("空置，无租赁")
    form.locator("[name='disclosure.taxes']").fill("买卖双方各自承担")
    form.locator("[name='disclosure.defects']").fill("无已知瑕疵")
    form.locator("[name='disclosure.contact.name']").fill("王法官")
    form.locator("[name='disclosure.contact.phone']").fill("0571-88880000")


def test_court_staff_lists_publishes_and_monitors_a_lot(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    page = new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, server, "court", "/court", "en")
    asked = answer_confirmations(page)

    page.fill("#case-form [name=case_number]", "(2026)浙0106执9001号")
    page.fill("#case-form [name='debtor.name']", "钱多多")
    page.click("#case-form button[type=submit]")
    page.wait_for_url("**/court/cases/*")
    expect(page.locator("h1")).to_have_text("(2026)浙0106执9001号")

    page.fill("#property-form [name=title]", "西湖区文三路公寓一套")
    page.fill("#property-form [name=appraised_value]", "1000000")
    page.click("#property-form button[type=submit]")
    form = page.locator("form.lot-form")
    expect(form).to_be_visible(timeout=5000)
    # A photo of the property, uploaded from the console, shows on the case and the lot page.
    upload = page.locator("form.upload")
    upload.locator("input[type=file]").set_input_files(
        files=[{"name": "apartment.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    upload.locator("button[type=submit]").click()
    expect(page.locator("section.property")).to_contain_text("apartment.png", timeout=5000)
    # The limits are shown as the court types: 70 % of the appraisal, a 5–20 % deposit.
    expect(form.locator(".limits")).to_contain_text("¥700,000.00")
    form.locator("[name=starting_price]").fill("800000")
    expect(form.locator(".limits")).to_contain_text("¥40,000.00 and ¥160,000.00")

    # A price under the floor comes back as the server's field error; nothing typed is lost.
    start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=8)
    form.locator("[name=starting_price]").fill("600000")
    form.locator("[name=increment]").fill("5000")
    form.locator("[name=deposit]").fill("100000")
    form.locator("[name=start_at]").fill(cst_input(start))
    form.locator("[name=end_at]").fill(cst_input(start + dt.timedelta(minutes=30)))
    fill_disclosure(form)
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-error-for=starting_price]")).to_contain_text("70 % of the appraisal")
    assert form.locator("[name=increment]").input_value() == "5000"
    assert form.locator("[name='disclosure.taxes']").input_value() == "买卖双方各自承担"

    form.locator("[name=starting_price]").fill("800000")
    start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=6)  # a start still ahead on a slow machine
    form.locator("[name=start_at]").fill(cst_input(start))
    form.locator("[name=end_at]").fill(cst_input(start + dt.timedelta(minutes=30)))
    form.locator("button[type=submit]").click()
    expect(page.locator("button.publish")).to_be_visible(timeout=5000)
    page.click("button.publish")
    expect(page.locator("a.monitor")).to_be_visible(timeout=5000)
    page.click("a.monitor")

    # The live monitor: the lot opens on the engine's clock, then the court suspends and resumes.
    expect(page.locator("#status")).to_have_attribute("data-status", "live", timeout=20_000)
    expect(page.locator("#court-actions")).to_be_visible()
    expect(page.locator(".photos img")).to_have_count(1)
    # (the deferral's form comes first now: 暂缓 and 中止 are different acts, art. 28)
    page.fill("#court-actions form:has(#suspend) input[name=reason]", "当事人和解 settlement talks")
    # Each action reloads the page; the old page hears the status event first, so wait for the
    # reload itself before looking (a screenshot taken mid-navigation hangs).
    with page.expect_navigation():
        page.click("#suspend")
    expect(page.locator("#status")).to_have_attribute("data-status", "suspended", timeout=5000)
    with page.expect_navigation():
        page.click("#resume")
    expect(page.locator("#status")).to_have_attribute("data-status", "live", timeout=5000)
    assert [q.split("?")[0] for q in asked.asked] == [
        "Suspend bidding on this lot by ruling",
        "Resume bidding on this lot",
    ]
    # The one error logged is the browser's note of the refused (422) listing above.
    assert [e for e in errors if "status of 422" not in e] == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "court-monitor-en.png"), full_page=True)
    page.goto(f"{server.base_url}/court")
    expect(page.locator("#cases")).to_contain_text("(2026)浙0106执9001号")
    page.screenshot(path=str(ARTIFACTS / "court-console-en.png"), full_page=True)


@pytest.fixture
def short_objections_server(sandbox_environ: dict[str, str], tmp_path: Path) -> Iterator[Server]:
    """The demo with a 15-second objection period, so a plan can be finalized within the test."""
    environ = {**sandbox_environ, "AUCTION_OBJECTION_SECONDS": "15"}
    server = start_server(environ, tmp_path / "data", "--demo")
    yield server
    server.stop()


def sell_a_lot_of_the_demo_case(server: Server) -> tuple[int, int]:
    """Through the API: a lot of the natural-person demo case sold; (lot id, case id)."""
    lot_id, case_id = short_lot(server, "bidder3", seconds=4)
    bidder = {"Authorization": f"Bearer {token(server, 'bidder3')}"}
    url = server.base_url + "/api/v1"
    wait_for_status(server, lot_id, "live")
    placed = httpx.post(
        f"{url}/lots/{lot_id}/bids",
        headers=bidder,
        json={"amount": 71_000_000, "client_bid_id": str(uuid.uuid4())},
    )
    assert placed.status_code == 201, placed.text
    wait_for_status(server, lot_id, "sold")
    return lot_id, case_id


def test_a_creditor_reads_the_plan_objects_and_the_court_pays_out(
    short_objections_server: Server, new_page: Callable[..., Page]
) -> None:
    server = short_objections_server
    lot_id, case_id = sell_a_lot_of_the_demo_case(server)

    # The court records the buyer's balance from the lot page, then allocates the proceeds.
    court = new_page()
    sign_in(court, server, "court", f"/lots/{lot_id}")
    answer_confirmations(court)
    with court.expect_navigation():
        court.click("#balance-paid")
    expect(court.locator("#status")).to_have_attribute("data-status", "settled")
    court.goto(f"{server.base_url}/court/cases/{case_id}")
    court.fill("#plan-form [name='costs.0.label']", "评估费")
    court.fill("#plan-form [name='costs.0.amount']", "5000")
    court.click("#plan-form button[type=submit]")
    court.wait_for_url("**/plans/*")
    court.click("#plan-publish")
    expect(court.locator("#plan-status")).to_have_attribute("data-status", "published", timeout=5000)
    plan_url = court.url

    creditor = new_page()
    sign_in(creditor, server, "creditor2", "/me/cases", "en")
    creditor.locator(f"#case-{case_id} a[href^='/plans/']").first.click()
    expect(creditor.locator("svg.waterfall rect")).to_have_count(6)
    expect(creditor.locator("svg.waterfall")).to_contain_text("Ordinary")
    expect(creditor.locator("#plan-lines")).to_contain_text("in proportion to their amounts")
    creditor.screenshot(path=str(ARTIFACTS / "plan-creditor-en.png"), full_page=True)
    # The fee says what it is charged on, and the calculator given that base agrees with it.
    fee = creditor.locator("#fee-line td.money").text_content() or ""
    expect(creditor.locator("#fee-line")).to_contain_text("the proceeds less the costs of the sale")
    with creditor.expect_navigation():
        creditor.click("#fee-calculator")
    expect(creditor.locator("tfoot .money")).to_have_text(fee)
    creditor.go_back()
    creditor.fill("#objection-form [name=reason]", "第三项债权数额有误 the third claim is overstated")
    creditor.locator("#objection-form input[type=checkbox]").last.check()
    creditor.click("#objection-form button[type=submit]")
    expect(creditor.locator("#objections li")).to_have_attribute("data-status", "open", timeout=5000)
    expect(creditor.locator("#plan-lines tr.frozen")).to_have_count(1)

    # The court upholds the objection with a revised amount, finalizes once the period is over,
    # and pays out.
    court.goto(plan_url)
    court.fill("#objections form.uphold input[data-type=yuan]", "200000")
    court.click("#objections form.uphold button[type=submit]")
    expect(court.locator("#objections li")).to_have_attribute("data-status", "upheld", timeout=5000)
    revised = court.locator("#plan-lines tr[data-claim-id]").last
    expect(revised).to_contain_text("¥200,000.00")
    expect(revised).to_contain_text("法院根据异议修正")
    plan_id = plan_url.rsplit("/", 1)[1]
    court_api = {"Authorization": f"Bearer {token(server, 'court')}"}
    deadline = httpx.get(f"{server.base_url}/api/v1/allocation-plans/{plan_id}", headers=court_api).json()
    left = dt.datetime.fromisoformat(deadline["objection_deadline"]) - dt.datetime.now(dt.UTC)
    time.sleep(max(0.0, left.total_seconds()) + 0.5)  # the objection period is over
    # The page reloads itself at the deadline: the objection period's words give way to the
    # finalize button (issue 21: a plan page shows the state it is in).
    expect(court.locator("#plan-status")).to_have_attribute("data-phase", "awaiting_final", timeout=10_000)
    creditor.reload()  # the creditor is told the period is over and offered no objection form
    expect(creditor.locator("#plan-status")).to_contain_text("Objection period over")
    expect(creditor.locator("#objection-form")).to_have_count(0)
    court.click("#plan-finalize")
    expect(court.locator("#plan-status")).to_have_attribute("data-status", "final", timeout=5000)
    court.click("#plan-disburse")
    expect(court.locator("#plan-status")).to_have_attribute("data-status", "disbursed", timeout=5000)
    court.screenshot(path=str(ARTIFACTS / "plan-court-zh.png"), full_page=True)


def test_a_second_staff_member_approves_the_terms_and_the_full_announcement_is_published(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    """The clerk drafts; publishing names what is missing; the clerk fills the disclosures; the
    judge (a second staff member) approves; the announcement carries every item."""
    server = embedded_server
    lot_id, case_id = listed_by_api(
        server,
        NewLot("孙立", "拱墅区商铺一间", appraised_value=2_000_000, start_in=dt.timedelta(hours=1)),
        publish=False,
    )
    case_page = f"/court/cases/{case_id}"

    clerk = new_page("en-US")
    sign_in(clerk, server, "court", case_page, "en")
    # The drafter is offered no approval of their own terms.
    row = clerk.locator(f"tr[data-lot-id='{lot_id}']")
    expect(row.locator("button.approve")).to_have_count(0)
    row.locator("button.publish").click()
    refusal = row.locator("form:has(button.publish) .form-error")
    expect(refusal).to_contain_text("Enforcement instrument is required")
    expect(refusal).to_contain_text("Contact's phone is required")
    editor = clerk.locator(".draft-disclosure form.disclosure-form")
    clerk.locator(".draft-disclosure summary").click()
    fill_disclosure(editor)
    editor.locator("[name=purchase_restriction]").fill("杭州市限购：本市户籍家庭限购两套")
    with clerk.expect_navigation():
        editor.locator("button[type=submit]").click()
    # Art. 16: the debtor has no account here; the clerk records the notice sent by post.
    notices = clerk.locator(f"tr.party-notices[data-lot-id='{lot_id}']")
    notices.locator("summary").click()
    outside = notices.locator("form.outside-notice")
    outside.locator("[name='outside.0.ref']").select_option("debtor")
    outside.locator("[name='outside.0.means']").select_option("post")
    outside.locator("[name='outside.0.detail']").fill("EMS 1234567890")
    with clerk.expect_navigation():
        outside.locator("button[type=submit]").click()
    expect(notices.locator("li[data-ref=debtor][data-status=recorded]")).to_contain_text("孙立")

    judge = new_page()
    sign_in(judge, server, "judge", case_page, "zh")
    asked = answer_confirmations(judge)
    with judge.expect_navigation():
        judge.locator(f"tr[data-lot-id='{lot_id}'] button.approve").click()
    expect(judge.locator(f"tr[data-lot-id='{lot_id}'] .approved")).to_contain_text("已于")
    assert len(asked.asked) == 1

    clerk.reload()
    expect(row.locator(".approved")).to_be_visible()
    with clerk.expect_navigation():
        row.locator("button.publish").click()
    expect(row.locator("a.monitor")).to_be_visible()

    # The lot page and its announcement, in Chinese, carry every disclosure.
    judge.goto(f"{server.base_url}/lots/{lot_id}")
    disclosure = judge.locator("#disclosure")
    for item in (
        "执行依据",
        "委托评估",
        "抵押权人杭州银行",
        "空置",
        "买卖双方各自承担",
        "无已知瑕疵",
        "王法官",
        "12368",
    ):
        expect(disclosure).to_contain_text(item)
    expect(judge.locator("#purchase-restriction")).to_contain_text("限购两套")
    judge.locator("a[href^='/announcements/']").first.click()
    body = judge.locator("article")
    for item in (
        "通知情况：已通知 孙立",
        "执行依据：(2025)浙0106民初1234号民事判决书",
        "参考价确定方式：委托评估",
        "税费及承担方式：买卖双方各自承担",
        "联系人：王法官",
        "监督电话：12368",
        "限购两套",
        "特别提示",
    ):
        expect(body).to_contain_text(item)


def test_the_court_records_a_default_and_publishes_the_next_round(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    lot_id, case_id = sell_a_lot_of_the_demo_case(server)

    court = new_page()
    sign_in(court, server, "court", f"/lots/{lot_id}", "en")
    answer_confirmations(court)
    with court.expect_navigation():
        court.click("#default")
    expect(court.locator("#status")).to_have_attribute("data-status", "defaulted")
    # The re-auction after a default is of the same round at the court's terms (art. 24: no
    # automatic cut), here a price the court types; the court lands on the case, where the
    # draft waits to be published.
    court.fill(".reauction-form input[name=starting_price]", "720000")
    with court.expect_navigation(url=f"**/court/cases/{case_id}"):
        court.click("#next-round")
    draft = court.locator("tr[data-lot-id]", has_text="¥720,000.00")
    expect(draft).to_contain_text("1 ·")
    expect(draft).to_contain_text("Draft")
    # A draft made by mistake is deleted (it was never announced), and made again.
    with court.expect_navigation():
        draft.locator("button.delete-draft").click()
    expect(draft).to_have_count(0)
    court.goto(f"{server.base_url}/lots/{lot_id}")
    court.fill(".reauction-form input[name=starting_price]", "720000")
    with court.expect_navigation(url=f"**/court/cases/{case_id}"):
        court.click("#next-round")
    expect(draft).to_contain_text("Draft")
    with court.expect_navigation():
        draft.locator("button.publish").click()
    expect(draft.locator("a.monitor")).to_be_visible(timeout=5000)
    expect(draft).to_contain_text("Announced")


def test_the_court_bars_a_registered_bidder_and_they_are_out_at_once(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    """Art. 34 from the console: the court enters a barred person whose identity is already
    registered on a live lot; the bidder's deposit is released and their next bid refused."""
    from auction.accounts import identity
    from auction.demo import DEMO_ACCOUNTS

    server = embedded_server
    lot_id, case_id = short_lot(server, "bidder3", seconds=600)
    wait_for_status(server, lot_id, "live")
    number = identity.complete(next(a.id_first17 for a in DEMO_ACCOUNTS if a.username == "bidder3") or "")
    page = new_page()
    sign_in(page, server, "court", f"/court/cases/{case_id}", "zh")
    form = page.locator(f"form.bar-form[data-api='/api/v1/lots/{lot_id}/barred-persons']")
    form.locator("xpath=ancestor::details").locator("summary").click()
    form.locator("[name=name]").fill("陈刚")
    form.locator("[name=id_number]").fill("110105197811050")  # too short: the server names the field
    form.locator("[name=relation]").select_option("relative")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-error-for=id_number]")).to_contain_text("身份证号")
    form.locator("[name=id_number]").fill(number)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    buyer = {"Authorization": f"Bearer {token(server, 'bidder3')}"}
    mine = httpx.get(f"{server.base_url}/api/v1/me/registrations", headers=buyer).json()
    assert next(r for r in mine if r["lot_id"] == lot_id)["deposit"]["status"] == "refunded"
    refused = httpx.post(
        f"{server.base_url}/api/v1/lots/{lot_id}/bids",
        headers=buyer,
        json={"amount": 70_000_000, "client_bid_id": str(uuid.uuid4())},
    )
    assert refused.status_code == 409 and refused.json()["code"] == "not_registered"
    # The case's timeline tells the court (and the case's subscribers) who was made ineligible.
    court = {"Authorization": f"Bearer {token(server, 'court')}"}
    timeline = httpx.get(f"{server.base_url}/api/v1/cases/{case_id}/timeline", headers=court).json()
    assert any(node["kind"] == "bidder_barred" for node in timeline["events"])
