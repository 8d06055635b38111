"""The whole platform on a real Redis Cluster: three masters with a replica each, started by the
fixture, and the server started as an operator would (`REDIS_CLUSTER=true`, two workers).

List, register, pay, watch from several sockets (spread over both workers), bid over a socket
and over HTTP, close by the lifecycle clock, persist, verify the hash chain with the CLI, settle:
the same flow the single-node runs of the other tests take, here with every key and event on
the shard of its lot."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from redis.cluster import RedisCluster
from websockets.asyncio.client import connect

from core.embedded import EmbeddedServiceError, redis_server_binary
from tests.e2e.browser import short_lot
from tests.e2e.conftest import Server, start_server
from tests.e2e.test_two_workers import token
from tests.integration.conftest import auction
from tests.redis_cluster import LocalCluster, redis_cluster

WATCHERS = 6


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    try:
        redis_server_binary()
    except EmbeddedServiceError as exc:
        pytest.skip(f"no redis-server binary to start a cluster with: {exc}")
    with redis_cluster(tmp_path_factory.mktemp("cluster"), masters=3, replicas=1) as started:
        yield started


def cluster_environ(environ: dict[str, str], cluster: LocalCluster) -> dict[str, str]:
    return {
        **environ,
        # Any node will do: the client finds the others (here a replica, to show it).
        "REDIS_URL": f"redis://127.0.0.1:{cluster.replica_ports[0]}/0",
        "REDIS_CLUSTER": "true",
        "REDIS_NAMESPACE": f"c{uuid.uuid4().hex[:8]}",
        "AUCTION_WORKERS": "2",
    }


@dataclass
class ClusterServer:
    server: Server
    environ: dict[str, str]


@pytest.fixture
def cluster_server(
    sandbox_environ: dict[str, str], tmp_path: Path, cluster: LocalCluster
) -> Iterator[ClusterServer]:
    environ = {**cluster_environ(sandbox_environ, cluster), "DATA_DIR": str(tmp_path / "data")}
    server = start_server(environ, tmp_path / "data", "--demo")
    yield ClusterServer(server, environ)
    server.stop()


def _bid(lot_id: int, amount: int) -> str:
    return json.dumps({"type": "bid", "lot_id": lot_id, "amount": amount, "client_bid_id": str(uuid.uuid4())})


async def _until(socket: object, wanted: str, timeout_s: float = 10) -> dict:
    async with asyncio.timeout(timeout_s):
        while True:
            message = json.loads(await socket.recv())  # type: ignore[attr-defined]
            if message["type"] == wanted:
                return dict(message)


async def watch_and_bid(server: Server, lot_id: int, price: int, step: int) -> list[list[int]]:
    """Watchers subscribe, bidder1 bids over a socket, bidder2 over HTTP, bidder1 again; what
    each watcher received (the bids' seqs)."""
    watchers = [await connect(server.ws_url) for _ in range(WATCHERS)]
    seen: list[list[int]] = [[] for _ in watchers]
    try:
        for ws in watchers:
            await ws.send(json.dumps({"type": "subscribe", "lot_id": lot_id}))
            await _until(ws, "snapshot")
        deadline = time.monotonic() + 15
        headers = {"Authorization": f"Bearer {token(server, 'bidder1')}"}
        async with connect(server.ws_url, additional_headers=headers) as bidder, httpx.AsyncClient() as http:
            while True:  # the lot opens 2 s after it was listed, by the lifecycle clock
                await bidder.send(_bid(lot_id, price))
                result = await _until(bidder, "bid_result")
                if result["accepted"] or time.monotonic() > deadline:
                    break
                assert result["code"] == "not_live", result
                await asyncio.sleep(0.3)
            assert result["accepted"], result
            second = await http.post(
                f"{server.base_url}/api/v1/lots/{lot_id}/bids",
                headers={"Authorization": f"Bearer {token(server, 'bidder2')}"},
                json={"amount": price + step, "client_bid_id": str(uuid.uuid4())},
            )
            assert second.status_code == 201, second.text
            await bidder.send(_bid(lot_id, price + 2 * step))
            assert (await _until(bidder, "bid_result"))["accepted"]
        for n, ws in enumerate(watchers):
            while len(seen[n]) < 3:
                seen[n].append((await _until(ws, "bid"))["seq"])
    finally:
        for ws in watchers:
            await ws.close()
    return seen


def test_the_whole_flow_on_a_redis_cluster(cluster_server: ClusterServer, cluster: LocalCluster) -> None:
    server, environ = cluster_server.server, cluster_server.environ
    lot_id, _case_id = short_lot(server, "bidder1", seconds=10)
    url = f"{server.base_url}/api/v1"
    bidder2 = {"Authorization": f"Bearer {token(server, 'bidder2')}"}
    registration = httpx.post(f"{url}/lots/{lot_id}/registrations", headers=bidder2).json()
    paid = httpx.post(
        f"{url}/payments/{registration['deposit']['payment_id']}/simulate-paid", headers=bidder2
    )
    assert paid.status_code == 200, paid.text
    lot = httpx.get(f"{url}/lots/{lot_id}").json()

    seen = asyncio.run(watch_and_bid(server, lot_id, lot["starting_price"], lot["increment"]))
    assert seen == [[1, 2, 3]] * WATCHERS  # every watcher, on either worker, every bid in order

    # Every lot's state is on the master that serves its slot; the demo's lots use several.
    client = RedisCluster(host="127.0.0.1", port=cluster.ports[0])
    try:
        holders = {
            node.port
            for node in client.get_primaries()
            if list(client.scan_iter(match=f"{environ['REDIS_NAMESPACE']}:*:state", target_nodes=node))
        }
        assert len(holders) >= 2, holders
    finally:
        client.close()

    deadline = time.monotonic() + 30
    while (detail := httpx.get(f"{url}/lots/{lot_id}").json())["status"] not in ("sold",) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.3)
    assert detail["status"] == "sold" and detail["price"] == lot["starting_price"] + 2 * lot["increment"]
    while len(persisted := httpx.get(f"{url}/lots/{lot_id}/bids").json()) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [b["seq"] for b in persisted] == [1, 2, 3]

    verified = auction(environ, "verify", str(lot_id))
    assert verified.returncode == 0 and "the bid log is intact" in verified.stdout, verified.stderr

    court = {"Authorization": f"Bearer {token(server, 'court')}"}
    settled = httpx.post(f"{url}/lots/{lot_id}/balance-paid", headers=court)
    assert settled.status_code == 200 and settled.json()["status"] == "settled", settled.text
