"""The live lot page in real Chromium: two bidders against each other, a dropped connection."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import short_lot, sign_in
from tests.e2e.conftest import ARTIFACTS, Server, start_server
from tests.e2e.relay import Relay
from tests.e2e.test_two_workers import live_demo_lot, token

SECOND = 1000  # ms: the bound for a bid to reach the other browser


@pytest.fixture
def long_extension_server(sandbox_environ: dict[str, str], tmp_path: Path) -> Iterator[Server]:
    """The demo with a 15-minute soft close: every bid on a live demo lot (ending in 7 or 12
    minutes) falls inside the window and moves the end."""
    server = start_server(
        {**sandbox_environ, "AUCTION_EXTENSION_SECONDS": "900"}, tmp_path / "data", "--demo"
    )
    yield server
    server.stop()


@pytest.fixture
def relayed() -> Iterator[Relay]:
    relay = Relay()
    yield relay
    relay.close()


def start_relayed(environ: dict[str, str], data_dir: Path, relay: Relay) -> Server:
    public = f"ws://127.0.0.1:{relay.port}/ws"
    server = start_server({**environ, "AUCTION_PUBLIC_WS_URL": public}, data_dir, "--demo")
    relay.target = ("127.0.0.1", int(server.ws_url.rsplit(":", 1)[1].split("/")[0]))
    return server


@pytest.fixture
def relayed_server(sandbox_environ: dict[str, str], tmp_path: Path, relayed: Relay) -> Iterator[Server]:
    """The demo whose pages send browsers to the gateway through a relay the test can cut."""
    server = start_relayed(sandbox_environ, tmp_path / "data", relayed)
    yield server
    server.stop()


@pytest.fixture
def small_buffer_server(sandbox_environ: dict[str, str], tmp_path: Path, relayed: Relay) -> Iterator[Server]:
    """The relayed demo with the smallest per-socket buffer, so a page that stops reading is
    skipped after a few dozen bids rather than a few thousand; the bidders' rate limit lifted,
    so the test can place those bids quickly."""
    environ = {**sandbox_environ, "AUCTION_WS_BUFFER_KIB": "4", "AUCTION_WS_RATE": "1000"}
    server = start_relayed(environ, tmp_path / "data", relayed)
    yield server
    server.stop()


def signed_in_on_lot(page: Page, server: Server, username: str, lot_id: int, language: str = "zh") -> Page:
    sign_in(page, server, username, f"/lots/{lot_id}", language)
    expect(page.locator("#connection")).to_have_attribute("data-state", "up", timeout=5000)
    page.wait_for_selector("#next-amounts button", timeout=5000)
    return page


def bid_first_suggestion(page: Page) -> None:
    page.locator("#next-amounts button").first.click()
    page.click("#bid-form button[type=submit]")
    page.click("#confirm-yes")


def test_two_bidders_outbid_each_other_within_a_second(
    long_extension_server: Server, new_page: Callable[..., Page]
) -> None:
    server = long_extension_server
    lot = live_demo_lot(server)
    errors: list[str] = []
    first = signed_in_on_lot(new_page(), server, "bidder1", lot["id"])
    second = signed_in_on_lot(new_page(), server, "bidder2", lot["id"], "en")  # one of each language
    for page in (first, second):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    end_before = int(first.locator("#countdown").get_attribute("data-end-ms") or 0)
    expect(second.locator("#price-empty")).to_have_text("No bid yet")

    bid_first_suggestion(first)
    # The other browser sees the bid, the new leader and the moved end within a second.
    expect(second.locator("#history tbody tr[data-seq='1']")).to_be_visible(timeout=SECOND)
    expect(second.locator("#notice")).to_contain_text("end has moved", timeout=SECOND)
    # To the second: an end moved by less than a minute must not look like the old one.
    expect(second.locator("#notice")).to_contain_text(re.compile(r"\d\d:\d\d:\d\d"))
    expect(second.locator("#end-time")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$"))
    # A screen reader hears the price change, never the ticking clock.
    expect(second.locator("#announcer")).to_contain_text("Price now", timeout=SECOND * 3)
    assert second.locator("#countdown").evaluate("node => node.closest('[aria-live]')") is None
    expect(first.locator("#standing")).to_have_attribute("data-state", "leading", timeout=SECOND)
    leader = first.locator("#leader").text_content()
    expect(second.locator("#leader")).to_have_text(leader or "", timeout=SECOND)

    bid_first_suggestion(second)
    expect(first.locator("#history tbody tr[data-seq='2']")).to_be_visible(timeout=SECOND)
    expect(first.locator("#standing")).to_have_attribute("data-state", "outbid", timeout=SECOND)
    expect(first.locator("#standing")).to_have_text("您已被超越")
    # "Bid accepted" was true a moment ago; the standing says what is true now.
    expect(first.locator("#bid-result")).to_be_empty()
    expect(second.locator("#standing")).to_have_attribute("data-state", "leading", timeout=SECOND)
    # The price chart is drawn from the history as it grows: two bids, two points.
    expect(first.locator("#price-empty")).to_have_count(0)
    expect(first.locator("#price-line")).to_have_attribute("points", re.compile(r"^\S+ \S+$"))

    # The first bidder answers with a proxy: the engine outbids the second one at once.
    first.fill("#proxy-max", str((lot["starting_price"] + 10 * lot["increment"]) // 100))
    first.click("#proxy-form button[type=submit]")
    expect(first.locator("#proxy-result")).to_contain_text("委托已设置", timeout=SECOND * 3)
    expect(second.locator("#history tbody tr[data-seq='3']")).to_contain_text("proxy", timeout=SECOND)
    expect(first.locator("#history tbody tr[data-seq='3']")).to_contain_text("委托代理", timeout=SECOND)
    expect(second.locator("#standing")).to_have_attribute("data-state", "outbid", timeout=SECOND)
    expect(first.locator("#standing")).to_have_attribute("data-state", "leading", timeout=SECOND)

    engine_end = httpx.get(f"{server.base_url}/api/v1/lots/{lot['id']}").json()["end_ms"]
    assert engine_end > end_before
    assert errors == []
    ARTIFACTS.mkdir(exist_ok=True)
    first.screenshot(path=str(ARTIFACTS / "lot-two-bidders.png"), full_page=True)


def test_a_dropped_connection_resumes_with_the_complete_history(
    relayed_server: Server, relayed: Relay, new_page: Callable[..., Page]
) -> None:
    embedded_server = relayed_server
    lot = live_demo_lot(embedded_server)
    page = signed_in_on_lot(new_page(), embedded_server, "bidder1", lot["id"], "en")
    context = page.context

    # The network drops (the relay closes both ends), and the browser goes offline. Whether
    # the close reaches the page or not (Chromium's offline emulation may hold it back), the
    # page's heartbeat gives the silent connection up within seconds.
    relayed.cut()
    context.set_offline(True)
    expect(page.locator("#connection")).to_have_attribute("data-state", "down", timeout=10_000)
    # A bid confirmed while offline is sent on reconnect, once, under its client_bid_id.
    bid_first_suggestion(page)
    expect(page.locator("#bid-result")).to_contain_text("Sending")
    amount = lot["starting_price"]
    for bidder in ("bidder2", "bidder1", "bidder2"):  # bidding goes on while this browser is away
        amount += lot["increment"]
        placed = httpx.post(
            f"{embedded_server.base_url}/api/v1/lots/{lot['id']}/bids",
            headers={"Authorization": f"Bearer {token(embedded_server, bidder)}"},
            json={"amount": amount, "client_bid_id": str(uuid.uuid4())},
        )
        assert placed.status_code == 201, placed.text
    time.sleep(0.3)
    assert page.locator("#history tbody tr").count() == 0  # really away

    relayed.restore()
    context.set_offline(False)
    expect(page.locator("#connection")).to_have_attribute("data-state", "up", timeout=15_000)
    # The bid kept from before the drop was too low by then: its one result is shown.
    # Said in words, marked as an error (not the raw code: issue 21), the code kept for tools.
    expect(page.locator("#bid-result")).to_have_attribute("data-code", "too_low", timeout=5000)
    expect(page.locator("#bid-result [role=alert]")).to_contain_text("below the next valid bid")
    expect(page.locator("#history tbody tr")).to_have_count(3, timeout=5000)
    seqs = [
        int(s) for s in page.locator("#history tbody tr").evaluate_all("rows => rows.map(r => r.dataset.seq)")
    ]
    assert seqs == [1, 2, 3]
    history_url = f"{embedded_server.base_url}/api/v1/lots/{lot['id']}/bids"
    deadline = time.monotonic() + 5
    while len(persisted := httpx.get(history_url).json()) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [b["bidder_code"] for b in persisted] == page.locator(
        "#history tbody tr td:nth-child(2)"
    ).all_text_contents()


# Counts what the page's sockets receive, before the page's own handlers see it.
COUNT_FRAMES = """
window.__sockets = 0;
window.__snapshots = 0;
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    window.__sockets += 1;
    this.addEventListener("message", (m) => {
      if (JSON.parse(m.data).type === "snapshot") window.__snapshots += 1;
    });
  }
};
"""


def test_a_page_too_slow_to_read_is_skipped_and_still_ends_with_every_bid(
    small_buffer_server: Server, relayed: Relay, new_page: Callable[..., Page]
) -> None:
    """The gateway skips a socket whose buffer is full and sends it a snapshot once it has
    drained; the page sees the jump in seq and fetches the bids in between (issue 19.7)."""
    server = small_buffer_server
    lot = live_demo_lot(server)
    page = new_page()
    page.add_init_script(COUNT_FRAMES)
    page.goto(f"{server.base_url}/lots/{lot['id']}?lang=en")
    expect(page.locator("#connection")).to_have_attribute("data-state", "up", timeout=5000)
    headers = {name: {"Authorization": f"Bearer {token(server, name)}"} for name in ("bidder1", "bidder2")}

    relayed.stall()  # the page stops taking events; its connection stays open
    bids, amount, started = 200, lot["starting_price"], time.monotonic()
    with httpx.Client(base_url=server.base_url) as client:
        for n in range(bids):
            amount += lot["increment"]
            placed = client.post(
                f"/api/v1/lots/{lot['id']}/bids",
                headers=headers["bidder1" if n % 2 == 0 else "bidder2"],
                json={"amount": amount, "client_bid_id": str(uuid.uuid4())},
            )
            assert placed.status_code == 201, placed.text
    # Shorter than the page's heartbeat (5 s): the page must not give the socket up and
    # reconnect, which would fill the gap by another path than the one under test.
    assert time.monotonic() - started < 4
    relayed.flow()

    expect(page.locator("#history tbody tr")).to_have_count(bids, timeout=15_000)
    seqs = page.locator("#history tbody tr").evaluate_all("rows => rows.map(r => Number(r.dataset.seq))")
    assert seqs == list(range(1, bids + 1))  # every bid, once, in order
    # One socket all along, and a snapshot it did not ask for: the gateway did skip it.
    assert page.evaluate("window.__sockets") == 1
    assert page.evaluate("window.__snapshots") >= 2
    expect(page.locator("#bid-count")).to_have_text(str(bids))


def test_a_silent_connection_is_given_up_and_replaced(
    relayed_server: Server, relayed: Relay, new_page: Callable[..., Page]
) -> None:
    """No close ever arrives: the page's heartbeat notices the silence and reconnects."""
    lot = live_demo_lot(relayed_server)
    page = new_page()
    page.goto(f"{relayed_server.base_url}/lots/{lot['id']}")
    expect(page.locator("#connection")).to_have_attribute("data-state", "up", timeout=5000)
    relayed.freeze()
    expect(page.locator("#connection")).to_have_attribute("data-state", "down", timeout=10_000)
    relayed.restore()
    expect(page.locator("#connection")).to_have_attribute("data-state", "up", timeout=15_000)


def test_the_winner_is_told_at_the_close_and_prints_the_confirmation(
    embedded_server: Server, new_page: Callable[..., Page]
) -> None:
    server = embedded_server
    lot_id, _ = short_lot(server, "bidder3", seconds=8)
    page = signed_in_on_lot(new_page(), server, "bidder3", lot_id)
    expect(page.locator("#status")).to_have_attribute("data-status", "live", timeout=10_000)
    bid_first_suggestion(page)
    expect(page.locator("#standing")).to_have_attribute("data-state", "leading", timeout=SECOND * 3)
    # At the close: the outcome, and the winner's confirmation one click away.
    expect(page.locator("#standing")).to_have_text("您已竞得本标的", timeout=20_000)
    expect(page.locator("#status")).to_have_attribute("data-status", "sold")
    code = page.locator("#bidbox").get_attribute("data-bidder-code") or ""
    page.click("#bid-result a")
    expect(page.locator("h1")).to_have_text("网络竞价成功确认书")
    expect(page.locator(".confirmation")).to_contain_text(code)
    expect(page.locator(".confirmation")).to_contain_text("¥700,000.00")
    pdf = page.request.get(f"{server.base_url}/lots/{lot_id}/confirmation.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    page.screenshot(path=str(ARTIFACTS / "confirmation.png"), full_page=True)
    page.goto(f"{server.base_url}/me")
    expect(page.locator(f"#my-auctions tr[data-lot-id='{lot_id}']")).to_contain_text("竞得")
