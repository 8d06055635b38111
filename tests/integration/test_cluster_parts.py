"""The parts of the platform besides the engine, on a real Redis Cluster: throttles count (their
MULTI stays in one slot), sign-out announcements reach a listener, presence adds up the workers'
counts over lots on different shards."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio.cluster import RedisCluster

from auction.accounts import session_ends
from bidding_engine.presence import WatcherCounts
from core.throttle import Limit, Throttle


@pytest.fixture
async def cluster(cluster_ports: list[int]) -> AsyncIterator[RedisCluster]:
    client = RedisCluster(host="127.0.0.1", port=cluster_ports[0])
    yield client
    await client.aclose()


async def test_a_throttle_counts_on_a_cluster(cluster: RedisCluster, redis_namespace: str) -> None:
    throttle, limit = Throttle(cluster, redis_namespace), Limit("sign-in", 2, 60)
    for _ in range(2):
        await throttle.record(limit, "Bob")
    assert await throttle.retry_after(limit, "bob") > 0  # counted, not failed open
    await throttle.reset(limit, "BOB")
    assert await throttle.retry_after(limit, "bob") == 0


async def test_a_sign_out_announced_on_a_cluster_reaches_the_listener(
    cluster: RedisCluster, redis_namespace: str
) -> None:
    heard: list[session_ends.SessionEnded] = []
    listener = asyncio.create_task(session_ends.listen(cluster, redis_namespace, heard.append))
    try:
        ended = session_ends.SessionEnded(user_id=7)
        for _ in range(50):  # until the listener has subscribed
            await session_ends.announce(cluster, redis_namespace, ended)
            await asyncio.sleep(0.1)
            if heard:
                break
        assert heard and heard[0] == ended
    finally:
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)


async def test_presence_adds_up_over_shards(cluster: RedisCluster, redis_namespace: str) -> None:
    counts = WatcherCounts(cluster, redis_namespace)
    lots = list(range(9_000_001, 9_000_021))  # twenty lots: their slots fall on every master
    assert len({cluster.keyslot(counts.keys(lot).watchers) * 3 // 16384 for lot in lots}) > 1
    await counts.report_watchers("a", dict.fromkeys(lots, 2), [], ttl_s=30)
    await counts.report_watchers("b", dict.fromkeys(lots, 3), [], ttl_s=30)
    assert await counts.watchers_elsewhere(lots, "a") == dict.fromkeys(lots, 3)
