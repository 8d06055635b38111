"""The fan-out hub of one worker: one Redis subscription per watched lot, shared by every local
socket watching it; each event goes out as the one frame Redis delivered (the engine encoded
it once) through `websockets.broadcast()`.

A socket joins in three steps without a gap or a duplicate: the hub buffers the lot's events
for it from the moment it asks (`watch`), the gateway sends the snapshot and the replay, then
`ready()` flushes what arrived meanwhile, dropping bids the replay already carried, and moves
the socket to the broadcast set. `ready()` does not await: no event can slip in between.

A socket whose write buffer is above the high-water mark is skipped rather than waited for,
and is sent a fresh snapshot once it has drained; its seq jump tells the client to resync.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import msgspec
import websockets
from redis.asyncio import Redis
from redis.exceptions import RedisError
from websockets.asyncio.server import ServerConnection

from bidding_engine.keys import lot_keys
from core.tasks import stop_if_cancelled

log = logging.getLogger(__name__)

HIGH_WATER_BYTES = 256 * 1024
DRAIN_CHECK_S = 0.5


class _EventHead(msgspec.Struct):
    type: str
    seq: int | None = None


_head = msgspec.json.Decoder(_EventHead)


@dataclass
class LotWatchers:
    ready: set[ServerConnection] = field(default_factory=set)
    joining: dict[ServerConnection, list[tuple[int | None, bytes]]] = field(default_factory=dict)
    lagging: set[ServerConnection] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.ready) + len(self.joining)


def buffered(connection: ServerConnection) -> int:
    transport = connection.transport
    return transport.get_write_buffer_size() if transport is not None else 0


class FanoutHub:
    def __init__(
        self,
        redis: Redis,
        namespace: str,
        resync: Callable[[int, ServerConnection], Awaitable[None]],
    ) -> None:
        self.redis = redis
        self.namespace = namespace
        self.resync = resync  # sends a fresh snapshot to a socket that fell behind
        self.lots: dict[int, LotWatchers] = {}
        self._channels: dict[bytes, int] = {}
        self._pubsub = redis.pubsub()
        self._tasks: list[asyncio.Task[None]] = []
        self.events_dispatched = 0

    def channel(self, lot_id: int) -> str:
        return lot_keys(self.namespace, lot_id).events

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._read(), name="fanout-reader"),
            asyncio.create_task(self._drain_lagging(), name="fanout-drain"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]

    async def watch(self, lot_id: int, connection: ServerConnection) -> None:
        """Start buffering the lot's events for `connection` (subscribing to the lot if it is
        the first local watcher). Returns once the subscription is live."""
        watchers = self.lots.get(lot_id)
        if watchers is None:
            watchers = self.lots[lot_id] = LotWatchers()
            channel = self.channel(lot_id)
            self._channels[channel.encode()] = lot_id
            await self._pubsub.subscribe(channel)
        watchers.joining[connection] = []

    def ready(self, lot_id: int, connection: ServerConnection, last_seq: int) -> None:
        """Flush what arrived while the socket caught up, then broadcast to it from now on.

        Never awaits, so no event is dispatched between the flush and the join."""
        watchers = self.lots.get(lot_id)
        if watchers is None or connection not in watchers.joining:
            return
        for seq, frame in watchers.joining.pop(connection):
            if seq is None or seq > last_seq:
                websockets.broadcast([connection], frame, text=True)
        watchers.ready.add(connection)

    async def unwatch(self, lot_id: int, connection: ServerConnection) -> None:
        watchers = self.lots.get(lot_id)
        if watchers is None:
            return
        watchers.ready.discard(connection)
        watchers.joining.pop(connection, None)
        watchers.lagging.discard(connection)
        if not len(watchers):
            del self.lots[lot_id]
            channel = self.channel(lot_id)
            self._channels.pop(channel.encode(), None)
            with contextlib.suppress(RedisError):
                await self._pubsub.unsubscribe(channel)

    def local_count(self, lot_id: int) -> int:
        watchers = self.lots.get(lot_id)
        return len(watchers) if watchers else 0

    def dispatch(self, channel: bytes, frame: bytes) -> None:
        lot_id = self._channels.get(channel)
        watchers = self.lots.get(lot_id) if lot_id is not None else None
        if watchers is None:
            return
        try:
            seq = _head.decode(frame).seq
        except msgspec.DecodeError:
            log.error("undecodable event on %s: %r", channel, frame[:200])
            return
        for backlog in watchers.joining.values():
            backlog.append((seq, frame))
        if not watchers.ready:
            return
        current = [c for c in watchers.ready if c not in watchers.lagging]
        slow = [c for c in current if buffered(c) > HIGH_WATER_BYTES]
        if slow:
            watchers.lagging.update(slow)
            current = [c for c in current if c not in watchers.lagging]
        websockets.broadcast(current, frame, text=True)
        self.events_dispatched += 1

    async def _read(self) -> None:
        while True:
            stop_if_cancelled()
            try:
                if not self._pubsub.subscribed:
                    # A channel of our own keeps the connection open while no lot is watched;
                    # subscribing here (not in start) lets the app start while Redis is away.
                    await self._pubsub.subscribe(f"{self.namespace}:gateway:hello")
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except (RedisError, OSError) as exc:
                log.warning("fan-out subscription lost, reconnecting: %s", exc)
                await asyncio.sleep(0.5)
                continue
            if message is not None and message["type"] == "message":
                self.dispatch(message["channel"], message["data"])

    async def _drain_lagging(self) -> None:
        while True:
            stop_if_cancelled()
            await asyncio.sleep(DRAIN_CHECK_S)
            for lot_id, watchers in list(self.lots.items()):
                for connection in [c for c in watchers.lagging if buffered(c) < HIGH_WATER_BYTES // 4]:
                    watchers.lagging.discard(connection)
                    try:
                        await self.resync(lot_id, connection)
                    except websockets.ConnectionClosed:
                        continue
