"""The per-lot event feed a gateway worker broadcasts from: one pub/sub connection per worker,
subscribed to the lots its sockets watch. The scripts publish each event once, as the JSON
frame the sockets receive, so a frame is never decoded and encoded again on the way out.

Subscribing fails with `EngineUnavailable` (Redis unreachable, or refusing) and leaves nothing
behind: the caller may try again.
"""

from __future__ import annotations

import contextlib

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bidding_engine.errors import EngineUnavailable
from bidding_engine.keys import keepalive_channel, lot_keys


class LotEventFeed:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self.namespace = namespace
        self._pubsub = redis.pubsub()
        self._lots: dict[bytes, int] = {}  # channel -> lot id

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

    async def next_event(self, timeout_s: float) -> tuple[int, bytes] | None:
        """The next lot event as (lot id, frame), or None after `timeout_s` without one.

        Raises `EngineUnavailable` when the subscription was lost; the feed resubscribes every
        lot it had on the next call (redis-py's pub/sub reconnects with its channels)."""
        try:
            if not self._pubsub.subscribed:
                # A channel of its own keeps the connection open while no lot is watched, and
                # subscribing here (not at start) lets the app start while Redis is away.
                await self._pubsub.subscribe(keepalive_channel(self.namespace))
            message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=timeout_s)
        except (RedisError, OSError) as exc:
            raise EngineUnavailable(f"the event subscription was lost: {exc}") from exc
        if message is None or message["type"] != "message":
            return None
        lot_id = self._lots.get(message["channel"])
        return None if lot_id is None else (lot_id, message["data"])

    async def close(self) -> None:
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
