"""The gateway when things go wrong: handshakes that never become sockets, a subscription that
fails, a session that ends while its socket is open, a crowd that subscribes at once."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import connect

from auction.accounts.passwords import hash_password
from auction.models import ApiToken, User
from bidding_engine.errors import EngineUnavailable
from core.db import utcnow
from core.settings import Settings
from tests.integration.conftest import truncate_all
from tests.integration.test_gateway import Live, auth, free_port, live_lot, receive, until
from web.app import create_app
from web.gateway import server as gateway_server
from web.gateway.server import Gateway


@dataclass
class Running:
    live: Live
    gateway: Gateway
    http: httpx.AsyncClient


@pytest.fixture
async def running(
    settings: Settings, db_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Running]:
    monkeypatch.setattr(gateway_server, "SESSION_CHECK_S", 0.3)  # the backstop, sped up for the test
    port = free_port()
    app = create_app(settings.replace(ws_port=port), background=False, gateway=True)
    try:
        async with app.router.lifespan_context(app):
            state = app.state.app
            transport = httpx.ASGITransport(app=app, client=("10.77.0.1", 5000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield Running(
                    Live(f"ws://127.0.0.1:{port}/ws", state.engine, state.sessions), app.state.gateway, http
                )
    finally:
        await truncate_all(db_engine)


async def test_plain_requests_to_the_gateway_leave_nothing_behind(running: Running) -> None:
    """Health checks and scanners send plain GETs: each is refused and forgotten."""
    port = running.live.url.split(":")[2].split("/")[0]
    async with httpx.AsyncClient() as plain:
        for _ in range(50):
            answer = await plain.get(f"http://127.0.0.1:{port}/ws")
            assert answer.status_code == 426  # Upgrade Required
        await plain.get(f"http://127.0.0.1:{port}/elsewhere")
    assert running.gateway.connections_known == 0
    async with connect(running.live.url) as ws:  # a real socket is still known while open
        await ws.send(json.dumps({"type": "ping"}))
        await receive(ws)
        assert running.gateway.connections_known == 1
    await asyncio.sleep(0.1)
    assert running.gateway.connections_known == 0


async def test_a_failed_subscription_is_retried_and_then_carries_every_event(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    lot_id, (a, _) = await live_lot(running.live)
    feed = running.gateway.hub.feed
    real_subscribe = feed.subscribe
    failures = [EngineUnavailable("Redis blipped")]

    async def blip_once(lot: int) -> None:
        if failures:
            raise failures.pop()
        await real_subscribe(lot)

    monkeypatch.setattr(feed, "subscribe", blip_once)
    async with connect(running.live.url) as ws:
        await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))
        assert await receive(ws) == {
            "type": "error",
            "code": "unavailable",
            "message": "bidding is paused: the engine is unreachable",
        }
        await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))  # the page retries
        assert (await receive(ws))["type"] == "snapshot"
        await running.live.engine.bid(lot_id, a.registration_id, 100_000, "after-blip")
        assert (await until(ws, "bid"))["seq"] == 1


async def _sign_in_by_form(http: httpx.AsyncClient, username: str, password: str) -> str:
    page = await http.get("/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    signed_in = await http.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf[1]}
    )
    assert signed_in.status_code == 303
    return csrf[1]


async def test_signing_out_in_one_tab_stops_the_socket_of_another(running: Running) -> None:
    lot_id, (a, _) = await live_lot(running.live)
    async with connect(running.live.url, additional_headers=auth(a)) as tab:
        await tab.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))
        await receive(tab)
        # The other tab signs out: its token is the one this socket opened with.
        out = await running.http.delete("/api/v1/tokens/current", headers=auth(a))
        assert out.status_code == 200
        ended = await until(tab, "session_ended")
        assert "sign in" in ended["message"]
        await tab.send(
            json.dumps({"type": "bid", "lot_id": lot_id, "amount": 100_000, "client_bid_id": "late"})
        )
        refused = await until(tab, "bid_result")
        assert (refused["accepted"], refused["code"]) == (False, "not_authenticated")
    async with running.live.sessions() as session:
        bids = await session.scalar(sa.text("SELECT count(*) FROM bids"))
    assert bids == 0  # nothing was placed for the signed-out tab


async def test_a_session_revoked_without_a_word_still_ends_within_seconds(running: Running) -> None:
    """The announcement is best effort; the gateway looks its sessions up again on its own."""
    _, (a, _) = await live_lot(running.live)
    async with connect(running.live.url, additional_headers=auth(a)) as tab:
        await tab.send(json.dumps({"type": "ping"}))
        await receive(tab)
        async with running.live.sessions.begin() as session:  # revoked behind the gateway's back
            await session.execute(sa.update(ApiToken).values(revoked_at=utcnow()))
        ended = await asyncio.wait_for(until(tab, "session_ended"), timeout=5)
        assert ended["type"] == "session_ended"


async def test_signing_out_with_the_cookie_is_answered_not_500(running: Running) -> None:
    _, (a, _) = await live_lot(running.live)
    async with running.live.sessions.begin() as session:
        user = await session.get(User, a.user.id)
        assert user is not None
        user.password_hash = await hash_password("a-long-pass-9")
    csrf = await _sign_in_by_form(running.http, a.user.username, "a-long-pass-9")
    out = await running.http.delete("/api/v1/tokens/current", headers={"x-csrf-token": csrf})
    assert out.status_code == 200 and out.json() == {"revoked": True}
    assert (await running.http.get("/api/v1/me")).status_code == 401
