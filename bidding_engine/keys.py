"""The one place Redis key and channel names are made.

Every key of a lot carries the lot's hash tag (`{lot:42}`), so each script's keys live in
one Redis Cluster slot; the namespace prefix lets deployments (and test runs) share a Redis.

    <ns>:{lot:<id>}:state     hash: the live state (fields set by open.lua, read by common.lua)
    <ns>:{lot:<id>}:regs      hash: registration id -> "bidder_code|class" (class 0 = ordinary)
    <ns>:{lot:<id>}:proxies   hash: registration id -> "max_amount|set_order"
    <ns>:{lot:<id>}:results   hash: "registration id|client_bid_id" -> the first result
    <ns>:{lot:<id>}:bids      stream: accepted bids, entry id "<seq>-1", so seq ranges are id ranges
    <ns>:{lot:<id>}:events    pub/sub channel: bid, status and closed events as JSON
    <ns>:{lot:<id>}:watchers  hash: gateway worker -> its local watcher count (TTL; no script uses it)
    <ns>:{gateway}:hello      pub/sub channel nothing publishes on: it keeps a worker's event
                              subscription open while it watches no lot
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster


@dataclass(frozen=True, slots=True)
class LotKeys:
    state: str
    regs: str
    proxies: str
    results: str
    bids: str
    events: str
    watchers: str

    @property
    def all(self) -> list[str]:
        """KEYS for every script, always in this order."""
        return [self.state, self.regs, self.proxies, self.results, self.bids]


def lot_tag(lot_id: int) -> str:
    return f"{{lot:{lot_id}}}"


def lot_keys(namespace: str, lot_id: int) -> LotKeys:
    prefix = f"{namespace}:{lot_tag(lot_id)}"
    return LotKeys(
        state=f"{prefix}:state",
        regs=f"{prefix}:regs",
        proxies=f"{prefix}:proxies",
        results=f"{prefix}:results",
        bids=f"{prefix}:bids",
        events=f"{prefix}:events",
        watchers=f"{prefix}:watchers",
    )


class KeyedRedis:
    """A Redis client and the namespace every key of this deployment lives under: what each part
    of the engine (scripts, streams, presence) starts from."""

    def __init__(self, redis: Redis | RedisCluster, namespace: str) -> None:
        self.redis = redis
        self.namespace = namespace

    def keys(self, lot_id: int) -> LotKeys:
        return lot_keys(self.namespace, lot_id)


def keepalive_channel(namespace: str) -> str:
    return f"{namespace}:{{gateway}}:hello"
