"""Faults survived, with real processes: Redis restarted (bidding fails closed, then resumes with
its state from the AOF), PostgreSQL stopped (bidding goes on, /healthz says degraded, the log
catches up)."""

from __future__ import annotations

import asyncio
import json
import socket
import time
import uuid
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

from core.embedded import EmbeddedPostgres, EmbeddedRedis
from tests.e2e.conftest import Server, start_server
from tests.e2e.test_two_workers import live_demo_lot, token


async def ws_bid(ws: ClientConnection, lot_id: int, amount: int) -> dict:
    client_bid_id = str(uuid.uuid4())
    await ws.send(
        json.dumps({"type": "bid", "lot_id": lot_id, "amount": amount, "client_bid_id": client_bid_id})
    )
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if message.get("type") in ("bid_result", "error"):
            return dict(message)


def wait_for(condition: object, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def health(server: Server) -> dict:
    return dict(httpx.get(f"{server.base_url}/healthz", timeout=5).json())


def test_redis_restart_fails_closed_then_resumes(sandbox_environ: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    server = start_server(sandbox_environ, data, "--demo")
    redis = EmbeddedRedis(data)
    try:
        lot = live_demo_lot(server)
        start, step = lot["starting_price"], lot["increment"]

        async def scenario() -> None:
            headers = {"Authorization": f"Bearer {token(server, 'bidder1')}"}
            async with connect(server.ws_url, additional_headers=headers) as ws:
                assert (await ws_bid(ws, lot["id"], start))["accepted"]
            with socket.socket(socket.AF_UNIX) as sock:  # SHUTDOWN writes the AOF and exits
                sock.connect(str(redis.socket))
                sock.sendall(b"SHUTDOWN\r\n")
                sock.recv(16)
            async with httpx.AsyncClient() as http:
                refused = await http.post(
                    f"{server.base_url}/api/v1/lots/{lot['id']}/bids",
                    headers={"Authorization": f"Bearer {token(server, 'bidder2')}"},
                    json={"amount": start + step, "client_bid_id": "during-outage"},
                )
            assert refused.status_code == 503 and refused.json()["error"]["code"] == "unavailable"
            assert health(server)["status"] == "down"
            redis.start()  # back, with the AOF
            wait_for(lambda: health(server)["status"] == "ok")
            detail = httpx.get(f"{server.base_url}/api/v1/lots/{lot['id']}").json()
            assert (detail["price"], detail["bid_count"]) == (start, 1)  # the state survived
            async with httpx.AsyncClient() as http:
                again = await http.post(
                    f"{server.base_url}/api/v1/lots/{lot['id']}/bids",
                    headers={"Authorization": f"Bearer {token(server, 'bidder2')}"},
                    json={"amount": start + step, "client_bid_id": "during-outage"},
                )
            assert again.status_code == 201 and again.json()["seq"] == 2  # the refused bid placed nothing

        asyncio.run(scenario())
    finally:
        server.stop()
        redis.stop()


def test_postgres_outage_bidding_goes_on_and_the_log_catches_up(
    sandbox_environ: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "data"
    server = start_server(sandbox_environ, data, "--demo")
    postgres = EmbeddedPostgres(data)
    try:
        lot = live_demo_lot(server)
        start, step = lot["starting_price"], lot["increment"]

        async def scenario() -> int:
            bidders = ["bidder1", "bidder2"]
            sockets = [
                await connect(
                    server.ws_url, additional_headers={"Authorization": f"Bearer {token(server, name)}"}
                )
                for name in bidders
            ]
            amount = start
            assert (await ws_bid(sockets[0], lot["id"], amount))["accepted"]  # both registrations cached
            amount += step
            assert (await ws_bid(sockets[1], lot["id"], amount))["accepted"]
            postgres._pg("pg_ctl", "stop", "-D", str(postgres.pgdata), "-m", "fast", "-w")
            stopped = time.monotonic()
            assert health(server)["status"] == "degraded"
            for n in range(10):  # PostgreSQL is away for 10 s: the engine does not need it
                amount += step
                result = await ws_bid(sockets[n % 2], lot["id"], amount)
                assert result["accepted"], result
                await asyncio.sleep(1.0)
            assert time.monotonic() - stopped >= 10
            postgres._launch()
            for ws in sockets:
                await ws.close()
            return 12

        placed = asyncio.run(scenario())
        wait_for(lambda: health(server)["status"] == "ok")

        def caught_up() -> bool:
            log = httpx.get(f"{server.base_url}/api/v1/lots/{lot['id']}/bids").json()
            return [b["seq"] for b in log] == list(range(1, placed + 1))

        wait_for(caught_up, timeout_s=30)
        assert httpx.get(f"{server.base_url}/api/v1/lots/{lot['id']}/bids/verify").json()["valid"]
    finally:
        server.stop()
