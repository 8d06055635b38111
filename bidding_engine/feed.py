"""The per-lot event feed a gateway worker broadcasts from, subscribed to the lots its sockets
watch. The scripts publish each event once, as the JSON frame the sockets receive, so a frame is
never decoded and encoded again on the way out.

Two feeds with one interface: `LotEventFeed` on one Redis server (one pub/sub connection), and
`ShardedLotEventFeed` (bidding_engine.sharded_feed) on a Redis Cluster. `event_feed` picks.

Subscribing fails with `EngineUnavailable` (Redis unreachable, or refusing) and leaves nothing
behind: the caller may try again. A subscription that had to be made again (a lost connection,
a failover, a slot moved to another shard) may have missed events: the feed then says so with a
`Gap` naming the lots, and the hub sends their watchers a fresh snapshot.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from bidding_engine.errors import EngineUnavailable
from bidding_engine.keys import keepalive_channel, lot_keys
from core.redis import AnyRedis


@dataclass(frozen=True, slots=True)
class Gap:
    """These lots' events may have been lost while their subscription was made again."""

    lot_ids: tuple[int, ...]


LotEvent = tuple[int, bytes]  # (lot id, the frame as published)


class EventFeed(Protocol):
    async def subscribe(self, lot_id: int) -> None: ...
    async def unsubscribe(self, lot_id: int) -> None: ...
    async def next_event(self, timeout_s: float) -> LotEvent | Gap | None: ...
    async def close(self) -> None: ...


def event_feed(redis: AnyRedis, namespace: str) -> EventFeed:
    if isinstance(redis, RedisCluster):
        from bidding_engine.sharded_feed import ShardedLotEventFeed

        return ShardedLotEventFeed(redis, namespace)
    return LotEventFeed(redis, namespace)


class LotEventFeed:
    """One pub/sub connection per worker to the one Redis server."""

    def __init__(self, redis: Redis, namespace: str) -> None:
        self.namespace = namespace
        self._pubsub = redis.pubsub()
        self._lots: dict[bytes, int] = {}  # channel -> lot id
        self._broken = False  # the connection failed: once it is back, the lots have a gap

    def _channel(self, lot_id: int) -> str:
        return lot_keys(self.namespace, lot_id).events

    async def subscribe(self, lot_id: int) -> None:
        channel = self._channel(lot_id)
        try:
            await self._pubsub.subscribe(channel)
        except (RedisError, OSError) as exc:
            raise EngineUnavailable(f"cannot subscribe to lot {lot_id}'s events: {exc}") from exc
        self._lots[channel.encode()] = lot_id

    async def unsubscribe(self, lot_id: int) -> None:
        channel = self._channel(lot_id)
        self._lots.pop(channel.encode(), None)
        # A connection that is gone has nothing subscribed any more either.
        with contextlib.suppress(RedisError, OSError):
            await self._pubsub.unsubscribe(channel)

    async def next_event(self, timeout_s: float) -> LotEvent | Gap | None:
        """The next lot event as (lot id, frame), a `Gap` once a lost connection is back, or None
        after `timeout_s` without either.

        Raises `EngineUnavailable` while the subscription is lost; redis-py's pub/sub connects
        again with its channels on the next call."""
        try:
            if not self._pubsub.subscribed:
                # A channel of its own keeps the connection open while no lot is watched, and
                # subscribing here (not at start) lets the app start while Redis is away.
                await self._pubsub.subscribe(keepalive_channel(self.namespace))
            if self._broken:
                await self._pubsub.ping()  # connects again, subscribing every channel anew
                self._broken = False
                return Gap(tuple(self._lots.values()))
            deadline = time.monotonic() + timeout_s
            while (left := deadline - time.monotonic()) > 0:
                # Confirmations, pongs and a lot just unsubscribed are not events: read on.
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=left)
                if message is not None and message["type"] == "message":
                    lot_id = self._lots.get(message["channel"])
                    if lot_id is not None:
                        return lot_id, message["data"]
        except (RedisError, OSError) as exc:
            self._broken = True
            raise EngineUnavailable(f"the event subscription was lost: {exc}") from exc
        return None

    async def close(self) -> None:
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
