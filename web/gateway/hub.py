"""The fan-out hub of one worker: one subscription per watched lot on the engine's event feed,
shared by every local socket watching it; each event goes out as the one frame the engine
published (encoded once) through `websockets.broadcast()`.

A socket joins in three steps without a gap or a duplicate: the hub buffers the lot's events
for it from the moment it asks (`watch`), the gateway sends the snapshot and the replay, then
`ready()` flushes what arrived meanwhile, dropping bids the replay already carried, and moves
the socket to the broadcast set. `ready()` does not await: no event can slip in between.

A socket whose write buffer is above the high-water mark is skipped rather than waited for,
and is sent a fresh snapshot once it has drained; its seq jump tells the client to resync.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import msgspec
import websockets
from websockets.asyncio.server import ServerConnection

from bidding_engine.errors import EngineUnavailable
from bidding_engine.feed import EventFeed, Gap
from core.loops import Loops
from core.tasks import stop_if_cancelled

log = logging.getLogger(__name__)

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
    subscribed: asyncio.Future[None] | None = None  # done once the feed carries the lot

    def __len__(self) -> int:
        return len(self.ready) + len(self.joining)


def buffered(connection: ServerConnection) -> int:
    transport = connection.transport
    return transport.get_write_buffer_size() if transport is not None else 0


class FanoutHub:
    def __init__(
        self,
        feed: EventFeed,
        resync: Callable[[int, ServerConnection], Awaitable[int | None]],
        loops: Loops | None = None,
        high_water_bytes: int = 256 * 1024,
    ) -> None:
        self.feed = feed
        self.high_water_bytes = high_water_bytes
        self.resync = resync  # sends a fresh snapshot to a socket that fell behind; its seq
        self.lots: dict[int, LotWatchers] = {}
        self.loops = loops or Loops()
        self._unsubscribing: set[asyncio.Future[None]] = set()
        self.events_dispatched = 0

    async def start(self) -> None:
        self.loops.start("fanout-reader", self._read())
        self.loops.start("fanout-drain", self._drain_lagging())

    async def stop(self) -> None:
        await self.loops.stop("fanout-reader", "fanout-drain")
        await self.feed.close()

    async def watch(self, lot_id: int, connection: ServerConnection) -> None:
        """Start buffering the lot's events for `connection`, subscribing the feed to the lot
        when it is the first local watcher. Returns once the subscription is live; raises
        `EngineUnavailable` (and keeps nothing of the socket) when it could not be made."""
        watchers = self.lots.get(lot_id)
        if watchers is None:
            watchers = self.lots[lot_id] = LotWatchers()
        watchers.joining[connection] = []
        if watchers.subscribed is None or (
            watchers.subscribed.done() and watchers.subscribed.exception() is not None
        ):
            watchers.subscribed = asyncio.ensure_future(self.feed.subscribe(lot_id))
        try:
            # Every watcher of the moment waits for the one subscribe; shielded, so one socket
            # leaving does not cancel it for the others.
            await asyncio.shield(watchers.subscribed)
        except BaseException:
            if self._forget(lot_id, connection):
                # Nobody else watches: once the subscribe settles, do not keep what it made.
                watchers.subscribed.add_done_callback(lambda _: self._drop_if_unwatched(lot_id))
            raise

    def _drop_if_unwatched(self, lot_id: int) -> None:
        if lot_id not in self.lots:
            task = asyncio.ensure_future(self.feed.unsubscribe(lot_id))
            self._unsubscribing.add(task)
            task.add_done_callback(self._unsubscribing.discard)

    def _forget(self, lot_id: int, connection: ServerConnection) -> bool:
        """Remove the socket; True when the lot has no local watcher left."""
        watchers = self.lots.get(lot_id)
        if watchers is None:
            return False
        watchers.ready.discard(connection)
        watchers.joining.pop(connection, None)
        watchers.lagging.discard(connection)
        if len(watchers):
            return False
        del self.lots[lot_id]
        return True

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
        if self._forget(lot_id, connection):
            await self.feed.unsubscribe(lot_id)

    def local_count(self, lot_id: int) -> int:
        watchers = self.lots.get(lot_id)
        return len(watchers) if watchers else 0

    def dispatch(self, lot_id: int, frame: bytes) -> None:
        watchers = self.lots.get(lot_id)
        if watchers is None:
            return
        try:
            seq = _head.decode(frame).seq
        except msgspec.DecodeError:
            log.error("undecodable event of lot %s: %r", lot_id, frame[:200])
            return
        for backlog in watchers.joining.values():
            backlog.append((seq, frame))
        if not watchers.ready:
            return
        current = [c for c in watchers.ready if c not in watchers.lagging]
        slow = [c for c in current if buffered(c) > self.high_water_bytes]
        if slow:
            watchers.lagging.update(slow)
            current = [c for c in current if c not in watchers.lagging]
        websockets.broadcast(current, frame, text=True)
        self.events_dispatched += 1

    async def _read(self) -> None:
        while True:
            stop_if_cancelled()
            try:
                event = await self.feed.next_event(timeout_s=1.0)
            except EngineUnavailable as exc:
                log.warning("fan-out subscription lost, reconnecting: %s", exc)
                await asyncio.sleep(0.5)
                continue
            if isinstance(event, Gap):
                self.resync_all(event.lot_ids)
            elif event is not None:
                self.dispatch(*event)

    def resync_all(self, lot_ids: tuple[int, ...]) -> None:
        """Events of these lots may be lost: every local watcher is sent a fresh snapshot (by
        the drain loop, as for a socket that fell behind), and is sent nothing before it."""
        for lot_id in lot_ids:
            watchers = self.lots.get(lot_id)
            if watchers is not None:
                watchers.lagging.update(watchers.ready, watchers.joining)

    async def _drain_lagging(self) -> None:
        while True:
            stop_if_cancelled()
            await asyncio.sleep(DRAIN_CHECK_S)
            for lot_id, watchers in list(self.lots.items()):
                for connection in [c for c in watchers.lagging if buffered(c) < self.high_water_bytes // 4]:
                    await self._rejoin(lot_id, watchers, connection)

    async def _rejoin(self, lot_id: int, watchers: LotWatchers, connection: ServerConnection) -> None:
        """Send a socket that fell behind a fresh snapshot, joining it again as a new watcher
        joins: events are buffered for it from now, and `ready` flushes the ones after the
        snapshot, so nothing between the snapshot and its next broadcast is lost."""
        watchers.lagging.discard(connection)
        watchers.ready.discard(connection)
        watchers.joining[connection] = []
        try:
            seq = await self.resync(lot_id, connection)
        except websockets.ConnectionClosed:
            return  # its handler forgets it
        except EngineUnavailable:
            current = self.lots.get(lot_id)
            if current is not None and current.joining.pop(connection, None) is not None:
                current.ready.add(connection)  # still watching: the next pass tries again
                current.lagging.add(connection)
            return
        self.ready(lot_id, connection, seq or 0)
