"""The real-time gateway with a real websockets server and real clients."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import websockets
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from websockets.asyncio.client import ClientConnection, connect

from auction.accounts import users as accounts
from auction.models import User
from bidding_engine.engine import BiddingEngine
from bidding_engine.results import EligibleRegistration, LotOpening
from core.settings import Settings
from tests import factories
from tests.integration.conftest import truncate_all
from web.app import create_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Live:
    url: str
    engine: BiddingEngine
    sessions: async_sessionmaker[AsyncSession]


@pytest.fixture
async def gateway(settings: Settings, db_engine: AsyncEngine) -> AsyncIterator[Live]:
    port = free_port()
    app = create_app(settings.replace(ws_port=port), background=False, gateway=True)
    try:
        async with app.router.lifespan_context(app):
            state = app.state.app
            yield Live(f"ws://127.0.0.1:{port}/ws", state.engine, state.sessions)
    finally:
        await truncate_all(db_engine)


@dataclass
class Bidder:
    registration_id: int
    code: str
    token: str
    user: User


async def live_lot(live: Live, bidders: int = 2) -> tuple[int, list[Bidder]]:
    async with live.sessions.begin() as session:
        made = await factories.lot_with_bidders(session, bidders)
        people = []
        for registration in made.registrations:
            user = await session.get(User, registration.user_id)
            assert user is not None
            token, _ = await accounts.issue_token(session, user)
            people.append(Bidder(registration.id, registration.bidder_code, token, user))
    now = await live.engine.now_ms()
    regs = tuple(EligibleRegistration(b.registration_id, b.code) for b in people)
    await live.engine.open(LotOpening(made.lot.id, 100_000, 1_000, now + 600_000, 300_000, regs))
    return made.lot.id, people


async def receive(ws: ClientConnection, timeout: float = 2.0) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(ws.recv(), timeout)))


async def until(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message = await receive(ws)
        if message["type"] == kind:
            return message


def auth(bidder: Bidder) -> dict[str, str]:
    return {"Authorization": f"Bearer {bidder.token}"}


async def test_subscribe_snapshot_then_live_bids(gateway: Live) -> None:
    lot_id, (a, _) = await live_lot(gateway)
    async with connect(gateway.url) as ws:
        await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))
        snapshot = await receive(ws)
        assert snapshot["type"] == "snapshot" and snapshot["seq"] == 0 and snapshot["price"] is None
        assert set(snapshot) == {
            "type",
            "lot_id",
            "status",
            "price",
            "leader_code",
            "starting_price",
            "increment",
            "end_ms",
            "now_ms",
            "seq",
            "bid_count",
            "watchers",
        }
        assert snapshot["watchers"] == 1
        await gateway.engine.bid(lot_id, a.registration_id, 100_000, "x")
        event = await receive(ws)
        assert (event["type"], event["seq"], event["bidder_code"], event["amount"]) == (
            "bid",
            1,
            a.code,
            100_000,
        )
        await gateway.engine.suspend(lot_id)
        # The status carries the end and, while suspended, the time left (issue 21: the page
        # freezes its countdown there and restarts it from the resumed end).
        suspended = await receive(ws)
        assert {k: suspended[k] for k in ("type", "lot_id", "status")} == {
            "type": "status",
            "lot_id": lot_id,
            "status": "suspended",
        }
        assert 0 < suspended["remaining_ms"] <= suspended["end_ms"] - event["at_ms"]
        await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))
        again = await receive(ws)
        assert (again["type"], again["status"]) == ("snapshot", "suspended")
        assert 0 < again["remaining_ms"] <= suspended["remaining_ms"]
        await gateway.engine.resume(lot_id)
        resumed = await receive(ws)
        assert (resumed["status"], "remaining_ms" in resumed) == ("live", False)
        assert resumed["end_ms"] >= event["at_ms"] + suspended["remaining_ms"]
        await ws.send(json.dumps({"type": "ping"}))
        assert (await receive(ws))["type"] == "pong"


async def test_bidding_over_the_socket(gateway: Live) -> None:
    lot_id, (a, b) = await live_lot(gateway)
    async with connect(gateway.url) as anonymous:
        await anonymous.send(
            json.dumps({"type": "bid", "lot_id": lot_id, "amount": 100_000, "client_bid_id": "n"})
        )
        refused = await receive(anonymous)
        assert (refused["accepted"], refused["code"]) == (False, "not_authenticated")
    async with connect(gateway.url, additional_headers=auth(a)) as ws:
        bid = {"type": "bid", "lot_id": lot_id, "amount": 100_000, "client_bid_id": "bid-1"}
        await ws.send(json.dumps(bid))
        first = await receive(ws)
        assert first == {
            "type": "bid_result",
            "client_bid_id": "bid-1",
            "accepted": True,
            "lot_id": lot_id,
            "seq": 1,
            "price": 100_000,
            "end_ms": first["end_ms"],
        }
        await ws.send(json.dumps(bid))
        assert await receive(ws) == first  # the same client_bid_id: the first result, nothing new
        await ws.send(json.dumps({**bid, "client_bid_id": "bid-2", "amount": 101_000}))
        assert (await receive(ws))["code"] == "already_leading"
        await ws.send(json.dumps({**bid, "client_bid_id": "bid-3", "amount": 10**30}))
        assert (await receive(ws))["code"] == "invalid_amount"
        await ws.send(json.dumps({"type": "proxy", "lot_id": lot_id, "max_amount": 150_000}))
        proxy = await receive(ws)
        assert proxy["type"] == "proxy_result" and proxy["accepted"]
    async with connect(gateway.url, additional_headers=auth(b)) as ws:
        await ws.send(json.dumps({"type": "bid", "lot_id": lot_id, "amount": 110_000, "client_bid_id": "b"}))
        answered = await receive(ws)
        assert answered["accepted"] and answered["price"] == 111_000  # a's proxy answered at once


async def test_a_dropped_client_resumes_without_a_gap(gateway: Live) -> None:
    lot_id, (a, b) = await live_lot(gateway)
    seen: list[int] = []
    ws = await connect(gateway.url)
    await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))
    await receive(ws)
    for n in range(3):
        await gateway.engine.bid(lot_id, (a, b)[n % 2].registration_id, 100_000 + n * 1_000, f"x{n}")
        seen.append((await receive(ws))["seq"])
    await ws.close()  # the connection drops
    for n in range(3, 8):
        await gateway.engine.bid(lot_id, (a, b)[n % 2].registration_id, 100_000 + n * 1_000, f"x{n}")
    async with connect(gateway.url) as again:
        await again.send(json.dumps({"type": "subscribe", "lot_id": lot_id, "since_seq": seen[-1]}))
        snapshot = await receive(again)
        assert snapshot["seq"] == 8
        replayed = [(await receive(again))["seq"] for _ in range(5)]
        await gateway.engine.bid(lot_id, a.registration_id, 109_000, "live")
        live_event = await receive(again)
        assert seen + replayed + [live_event["seq"]] == list(range(1, 10))


async def test_concurrent_bids_during_subscribe_leave_no_gap_and_no_duplicate(gateway: Live) -> None:
    lot_id, (a, b) = await live_lot(gateway)

    async def bidding() -> None:
        for n in range(60):
            await gateway.engine.bid(lot_id, (a, b)[n % 2].registration_id, 100_000 + n * 1_000, f"c{n}")
            await asyncio.sleep(0.002)

    async def watching(since: int) -> list[int]:
        async with connect(gateway.url) as ws:
            await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id, "since_seq": since}))
            snapshot = await receive(ws)
            seqs: list[int] = []
            while not seqs or seqs[-1] < 60:
                seqs.append((await receive(ws, timeout=5))["seq"])
            assert snapshot["seq"] >= 0
            return seqs

    task = asyncio.create_task(bidding())
    await asyncio.sleep(0.03)
    seqs = await watching(0)
    await task
    assert seqs == list(range(1, 61))


async def test_convergence_snapshot_plus_events_equals_a_fresh_snapshot(gateway: Live) -> None:
    lot_id, (a, b) = await live_lot(gateway)
    async with connect(gateway.url) as ws:
        await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))
        state = await receive(ws)
        await gateway.engine.set_proxy(lot_id, a.registration_id, 130_000)
        await gateway.engine.bid(lot_id, b.registration_id, 120_000, "b")
        fresh_expected = await gateway.engine.snapshot(lot_id)
        assert fresh_expected is not None
        while state["seq"] < fresh_expected.seq:
            event = await receive(ws)
            state = {
                **state,
                "seq": event["seq"],
                "price": event["amount"],
                "leader_code": event["bidder_code"],
                "end_ms": event["end_ms"],
            }
    async with connect(gateway.url) as fresh_ws:
        await fresh_ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))
        fresh = await receive(fresh_ws)
    for key in ("seq", "price", "leader_code", "end_ms", "status"):
        assert state[key] == fresh[key], key


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "invalid_json"),
        ("[1, 2]", "invalid_message"),
        ('{"lot_id": 1}', "unknown_type"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": "subscribe", "lot_id": "7"}', "invalid_message"),
        ('{"type": "subscribe", "lot_id": 7, "extra": 1}', "invalid_message"),
        ('{"type": "bid", "lot_id": 7, "amount": 1.5, "client_bid_id": "x"}', "invalid_message"),
        ('{"type": "bid", "lot_id": 7, "amount": true, "client_bid_id": "x"}', "invalid_message"),
        ('{"type": "bid", "lot_id": 7, "amount": 1e400, "client_bid_id": "x"}', "invalid_message"),
        ('{"type": "subscribe", "lot_id": 99999999}', "not_found"),
        ('{"type": "ping", "pad": "' + "x" * 17_000 + '"}', "too_large"),
    ],
)
async def test_malformed_messages_get_an_error_and_the_connection_stays(
    gateway: Live, raw: str, code: str
) -> None:
    async with connect(gateway.url) as ws:
        await ws.send(raw)
        answer = await receive(ws)
        assert (answer["type"], answer["code"]) == ("error", code)
        assert isinstance(answer["message"], str)
        await ws.send(json.dumps({"type": "ping"}))
        assert (await receive(ws))["type"] == "pong"


async def test_a_flood_is_rate_limited_without_touching_others(gateway: Live) -> None:
    async with connect(gateway.url) as flooder, connect(gateway.url) as neighbour:
        for _ in range(100):
            await flooder.send(json.dumps({"type": "ping"}))
        answers = [await receive(flooder) for _ in range(100)]
        assert any(a.get("code") == "rate_limited" for a in answers)
        assert sum(a["type"] == "pong" for a in answers) >= 40
        await neighbour.send(json.dumps({"type": "ping"}))
        assert (await receive(neighbour))["type"] == "pong"


async def test_no_identity_leaves_the_server_before_the_end(gateway: Live) -> None:
    lot_id, (a, b) = await live_lot(gateway)
    frames: list[str] = []
    async with connect(gateway.url, additional_headers=auth(a)) as ws:
        await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))
        frames.append(json.dumps(await receive(ws)))
        await ws.send(json.dumps({"type": "bid", "lot_id": lot_id, "amount": 100_000, "client_bid_id": "a"}))
        frames.append(json.dumps(await receive(ws)))
        await gateway.engine.bid(lot_id, b.registration_id, 101_000, "b")
        for _ in range(2):
            frames.append(json.dumps(await receive(ws)))
    text = "".join(frames)
    for person in (a, b):
        for secret in (
            person.user.real_name,
            person.user.username,
            f'"user_id": {person.user.id}',
            f'"registration_id": {person.registration_id}',
        ):
            assert secret not in text
    assert a.code in text and b.code in text


async def test_handshake_rules(gateway: Live) -> None:
    lot_id, (a, _) = await live_lot(gateway)
    with pytest.raises(websockets.InvalidStatus) as wrong_path:
        await connect(gateway.url.replace("/ws", "/other"))
    assert wrong_path.value.response.status_code == 404
    with pytest.raises(websockets.InvalidStatus) as bad_token:
        await connect(gateway.url, additional_headers={"Authorization": "Bearer nope"})
    assert bad_token.value.response.status_code == 401
    cookie = {"Cookie": f"auction_session={a.token}"}
    with pytest.raises(websockets.InvalidStatus) as cross_site:
        await connect(gateway.url, additional_headers=cookie, origin="http://evil.example")  # type: ignore[arg-type]
    assert cross_site.value.response.status_code == 403
    async with connect(gateway.url, additional_headers=cookie, origin="http://127.0.0.1:8000") as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "bid", "lot_id": lot_id, "amount": 100_000, "client_bid_id": "c"}))
        assert (await receive(ws))["accepted"] is True


async def test_a_slow_watcher_is_skipped_then_resynced_and_never_slows_the_others(
    gateway: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web.gateway import hub as hub_module

    lot_id, (a, b) = await live_lot(gateway)
    async with connect(gateway.url) as fast, connect(gateway.url) as slow:
        for ws in (fast, slow):
            await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))
            await receive(ws)
        slow_port = slow.local_address[1]

        def buffered(connection: Any) -> int:  # the slow socket's write buffer looks full
            remote = connection.remote_address
            return 10**9 if remote and remote[1] == slow_port else 0

        monkeypatch.setattr(hub_module, "buffered", buffered)
        for n in range(5):
            await gateway.engine.bid(lot_id, (a, b)[n % 2].registration_id, 100_000 + n * 1_000, f"s{n}")
        assert [(await receive(fast))["seq"] for _ in range(5)] == [1, 2, 3, 4, 5]
        monkeypatch.setattr(hub_module, "buffered", lambda connection: 0)  # it drains
        resync = await receive(slow, timeout=3)
        assert (resync["type"], resync["seq"]) == ("snapshot", 5)  # the client sees the jump and resyncs
        await gateway.engine.bid(lot_id, b.registration_id, 105_000, "after")
        assert (await receive(slow))["seq"] == 6 and (await receive(fast))["seq"] == 6


# -- a fuzzer: whatever arrives, the answer is a docs/realtime.md message and nobody else notices ----

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
message_like = st.fixed_dictionaries(
    {"type": st.sampled_from(["subscribe", "unsubscribe", "bid", "proxy", "ping", "nope", ""])},
    optional={
        "lot_id": json_values,
        "since_seq": json_values,
        "amount": json_values,
        "max_amount": json_values,
        "client_bid_id": json_values,
        "extra": json_values,
    },
)
frames = st.one_of(
    message_like.map(json.dumps),
    json_values.map(json.dumps),
    st.text(max_size=200),
    st.binary(max_size=200),
    st.just("x" * 20_000),
)
KNOWN_TYPES = {"error", "snapshot", "bid_result", "proxy_result", "pong", "bid", "status", "closed"}
KNOWN_CODES = {
    "invalid_json",
    "invalid_message",
    "unknown_type",
    "too_large",
    "not_found",
    "rate_limited",
    "unavailable",
    "not_authenticated",
    "not_registered",
    "not_live",
    "ended",
    "too_low",
    "already_leading",
    "invalid_amount",
}


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.lists(frames, min_size=1, max_size=8))
async def test_fuzzed_frames_always_get_a_protocol_answer(gateway: Live, batch: list) -> None:
    async with connect(gateway.url) as fuzzed, connect(gateway.url) as neighbour:
        for frame in batch:
            await fuzzed.send(frame)
        await fuzzed.send(json.dumps({"type": "ping"}))
        while True:  # every answer is a known message, up to the pong: the connection lives on
            answer = await receive(fuzzed, timeout=5)
            assert answer["type"] in KNOWN_TYPES, answer
            if answer["type"] in ("error", "bid_result", "proxy_result") and "code" in answer:
                assert answer["code"] in KNOWN_CODES, answer
            if answer["type"] == "pong":
                break
        await neighbour.send(json.dumps({"type": "ping"}))
        assert (await receive(neighbour))["type"] == "pong"
