"""The page shell in a real Chromium: Chinese renders, the gateway URL is embedded."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, Server


def test_home_page_renders_in_chromium(embedded_server: Server, page: Page) -> None:
    page.goto(embedded_server.base_url + "/")
    assert "首页" in page.title()
    assert page.locator("table.lots tbody tr").count() >= 2
    assert page.locator("meta[name=realtime-url]").get_attribute("content", timeout=2000).startswith("ws://")
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)


def test_the_lot_page_follows_the_auction_live(embedded_server: Server, page: Page) -> None:
    import time
    import uuid

    import httpx

    from tests.e2e.test_two_workers import live_demo_lot, token

    lot = live_demo_lot(embedded_server)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{embedded_server.base_url}/lots/{lot['id']}")
    assert lot["title"] in page.title()
    page.wait_for_function("document.getElementById('countdown').textContent.includes(':')", timeout=5000)
    time.sleep(0.5)  # subscribed
    headers = {"Authorization": f"Bearer {token(embedded_server, 'bidder1')}"}
    placed = httpx.post(
        f"{embedded_server.base_url}/api/v1/lots/{lot['id']}/bids",
        headers=headers,
        json={"amount": lot["starting_price"], "client_bid_id": str(uuid.uuid4())},
    )
    assert placed.status_code == 201, placed.text
    page.wait_for_selector("#history tbody tr[data-seq='1']", timeout=3000)
    assert page.locator("#bid-count").text_content() == "1"
    assert page.locator("#leader").text_content() not in ("—", "")
    assert problems == []  # no CSP violation, no script error
    page.screenshot(path=str(ARTIFACTS / "lot.png"), full_page=True)


def test_a_bidder_signs_in_and_bids_from_the_lot_page(embedded_server: Server, page: Page) -> None:
    from auction.demo import DEMO_ACCOUNTS
    from tests.e2e.test_two_workers import live_demo_lot

    lot = live_demo_lot(embedded_server)
    password = next(a.password for a in DEMO_ACCOUNTS if a.username == "bidder1")
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{embedded_server.base_url}/login?next=/lots/{lot['id']}")
    page.fill("input[name=username]", "bidder1")
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_selector("#bidbox", timeout=5000)
    page.wait_for_selector("#next-amounts button", timeout=5000)
    # An amount off the increment grid is refused in the page before anything is sent.
    page.fill("#amount", str(lot["starting_price"] // 100) + ".01")
    page.click("#bid-form button[type=submit]")
    assert "加价幅度" in (page.locator("#bid-result").text_content() or "")
    expect(page.locator("#bid-result [role=alert]")).to_have_class("error")  # marked as an error
    assert page.locator("#confirm").is_hidden()
    # The first suggested amount is the starting price; the capital numerals are shown to confirm.
    page.locator("#next-amounts button").first.click()
    assert (page.locator("#amount-words").text_content() or "").endswith(("整", "角", "分"))
    page.click("#bid-form button[type=submit]")
    page.wait_for_selector("#confirm:not([hidden])", timeout=2000)
    expect(page.locator("#bid-result")).to_be_empty()  # the old error is gone with the new step
    page.click("#confirm-yes")
    # Polling assertions, not wait_for_function: the page's CSP forbids the eval it needs.
    expect(page.locator("#bid-result")).to_contain_text("出价成功", timeout=5000)
    page.wait_for_selector("#history tbody tr[data-seq='1']", timeout=3000)
    expect(page.locator("#standing")).to_have_text("您领先", timeout=3000)
    assert problems == []
    page.screenshot(path=str(ARTIFACTS / "lot-bid.png"), full_page=True)


def test_a_bidder_bids_with_the_keyboard_alone(embedded_server: Server, page: Page) -> None:
    from tests.e2e.browser import sign_in
    from tests.e2e.test_two_workers import live_demo_lot

    lot = live_demo_lot(embedded_server)
    sign_in(page, embedded_server, "bidder2", f"/lots/{lot['id']}", "en")
    page.wait_for_selector("#next-amounts button", timeout=5000)
    page.focus("#amount")
    page.keyboard.type(str(lot["starting_price"] // 100))
    page.keyboard.press("Enter")  # the bid form: on to the confirmation step, focus with it
    expect(page.locator("#confirm-yes")).to_be_focused()
    page.keyboard.press("Escape")  # back, nothing sent
    expect(page.locator("#confirm")).to_be_hidden()
    expect(page.locator("#amount")).to_be_focused()
    expect(page.locator("#bid-result")).to_be_empty()
    page.keyboard.press("Enter")
    expect(page.locator("#confirm-yes")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#standing")).to_have_attribute("data-state", "leading", timeout=5000)
    expect(page.locator("#amount")).to_be_focused()


def test_a_new_bidder_registers_and_pays_on_the_lot_page(embedded_server: Server, page: Page) -> None:
    from auction.demo import DEMO_ACCOUNTS
    from tests.e2e.test_two_workers import live_demo_lot

    lot = live_demo_lot(embedded_server)
    # bidder3 is the demo bidder the seed does not register.
    password = next(a.password for a in DEMO_ACCOUNTS if a.username == "bidder3")
    page.goto(f"{embedded_server.base_url}/lots/{lot['id']}")
    page.click("section.bidding a")
    page.fill("input[name=username]", "bidder3")
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.click("form[action$='/register'] button")
    expect(page.locator("section.bidding")).to_contain_text("竞买号", timeout=3000)
    assert page.locator("#bidbox").count() == 0  # no bidding before the deposit is frozen
    page.click("form[action$='/pay'] button")
    page.wait_for_selector("#bidbox", timeout=5000)
    expect(page.locator("#standing")).not_to_be_empty(timeout=3000)


def test_the_language_switch_works_and_is_remembered(embedded_server: Server, page: Page) -> None:
    from tests.e2e.test_two_workers import live_demo_lot

    lot = live_demo_lot(embedded_server)
    page.goto(f"{embedded_server.base_url}/lots/{lot['id']}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#connection")).to_have_text("已连接", timeout=5000)  # the script's words too
    page.screenshot(path=str(ARTIFACTS / "lot-zh.png"), full_page=True)
    page.keyboard.press("Tab")  # the skip link comes first for keyboard users
    expect(page.locator("a.skip")).to_be_focused()
    page.click("#switch-language")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(f"/lots/{lot['id']}")  # back on the same page
    expect(page.locator("#connection")).to_have_text("Connected", timeout=5000)
    expect(page.locator(".site-header")).to_contain_text("Sign in")
    page.screenshot(path=str(ARTIFACTS / "lot-en.png"), full_page=True)
    page.click("text=Announcements")  # remembered on the next page
    expect(page.locator("h1")).to_have_text("Announcements")
    page.screenshot(path=str(ARTIFACTS / "announcements-en.png"), full_page=True)
    page.click("#switch-language")
    expect(page.locator("h1")).to_have_text("公告")
