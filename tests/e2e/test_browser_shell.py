"""The page shell in a real Chromium: Chinese renders, the gateway URL is embedded."""

from __future__ import annotations

from playwright.sync_api import Page

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
