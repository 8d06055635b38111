"""Many workers as one: a bid placed through one server process reaches a watcher connected to
another, through Redis; both share PostgreSQL and Redis (here the embedded ones)."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

from auction.demo import DEMO_ACCOUNTS
from tests.e2e.conftest import Server, start_server


def live_demo_lot(server: Server) -> dict:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        live = httpx.get(f"{server.base_url}/api/v1/lots?status=live").json()["items"]
        if live:
            return dict(live[0])
        time.sleep(0.2)
    raise AssertionError(server.log())


def token(server: Server, username: str) -> str:
    password = next(a.password for a in DEMO_ACCOUNTS if a.username == username)
    response = httpx.post(
        f"{server.base_url}/api/v1/tokens", json={"username": username, "password": password}
    )
    return str(response.json()["token"])


async def watch_and_bid(a: Server, b: Server, lot: dict) -> list[dict]:
    received = []
    async with connect(b.ws_url) as watcher:
        await watcher.send(json.dumps({"type": "subscribe", "lot_id": lot["id"]}))
        snapshot = json.loads(await asyncio.wait_for(watcher.recv(), 5))
        assert snapshot["type"] == "snapshot"
        headers = {"Authorization": f"Bearer {token(a, 'bidder1')}"}
        async with connect(a.ws_url, additional_headers=headers) as bidder:
            amount = lot["starting_price"]
            await bidder.send(
                json.dumps(
                    {"type": "bid", "lot_id": lot["id"], "amount": amount, "client_bid_id": str(uuid.uuid4())}
                )
            )
            result = json.loads(await asyncio.wait_for(bidder.recv(), 5))
            assert result["accepted"], result
        async with httpx.AsyncClient() as http:  # and one over HTTP through worker A
            second = await http.post(
                f"{a.base_url}/api/v1/lots/{lot['id']}/bids",
                headers={"Authorization": f"Bearer {token(a, 'bidder2')}"},
                json={"amount": lot["starting_price"] + lot["increment"], "client_bid_id": str(uuid.uuid4())},
            )
            assert second.status_code == 201, second.text
        while len(received) < 2:
            message = json.loads(await asyncio.wait_for(watcher.recv(), 5))
            if message["type"] == "bid":
                received.append(message)
    return received


def test_a_bid_through_worker_a_reaches_a_watcher_on_worker_b(
    sandbox_environ: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = start_server(sandbox_environ, data, "--demo")
    second = start_server(sandbox_environ, data)
    try:
        lot = live_demo_lot(first)
        events = asyncio.run(watch_and_bid(first, second, lot))
        assert [e["seq"] for e in events] == [1, 2]
        assert events[1]["amount"] == lot["starting_price"] + lot["increment"]
    finally:
        second.stop()
        first.stop()
