"""The lot event feed on a Redis Cluster: sharded pub/sub, one connection per shard.

Each lot's channel has the lot's hash tag, so the scripts' SPUBLISH reaches only the master that
holds the lot; this feed SSUBSCRIBEs each watched lot's channel on that master, over one pub/sub
connection per master it needs, each read by a task of its own into one inbox (a quiet shard
never delays another's events).

When a shard's connection fails (its master died; a replica is being promoted) or Redis takes a
channel away (its slot moved to another master: Redis sends an unasked `sunsubscribe`), the
channels it carried are homeless: the next call asks the cluster for its slots again and
subscribes them on their new masters, raising `EngineUnavailable` until that works, then
returns a `Gap` for those lots so their watchers are sent a fresh snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.client import PubSub
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.exceptions import RedisError, SlotNotCoveredError

from bidding_engine.errors import EngineUnavailable
from bidding_engine.feed import Gap, LotEvent
from bidding_engine.keys import lot_keys
from core.redis import TRANSIENT, is_redis_failure, ready, refresh_topology

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Lost:
    shard: str | None  # a shard whose connection failed: every channel on it
    channels: tuple[bytes, ...] = ()  # or channels Redis moved away from their shard
    reason: str = ""


@dataclass(slots=True)
class _Shard:
    name: str
    client: Redis
    pubsub: PubSub
    reader: asyncio.Task[None] | None = None
    channels: set[bytes] = field(default_factory=set)


class ShardedLotEventFeed:
    def __init__(self, cluster: RedisCluster, namespace: str) -> None:
        self.cluster = cluster
        self.namespace = namespace
        self._lots: dict[bytes, int] = {}  # every channel wanted -> its lot
        self._shards: dict[str, _Shard] = {}
        self._homeless: set[bytes] = set()  # wanted, on no shard since a failure or a move
        self._gapped: set[bytes] = set()  # lost since the last `Gap`: their watchers resync
        self._inbox: asyncio.Queue[LotEvent | _Lost] = asyncio.Queue()

    def _channel(self, lot_id: int) -> bytes:
        return lot_keys(self.namespace, lot_id).events.encode()

    async def subscribe(self, lot_id: int) -> None:
        channel = self._channel(lot_id)
        self._lots[channel] = lot_id
        try:
            await self._place(channel)
        except TRANSIENT as exc:
            self._lots.pop(channel, None)
            raise EngineUnavailable(f"cannot subscribe to lot {lot_id}'s events: {exc}") from exc

    async def unsubscribe(self, lot_id: int) -> None:
        channel = self._channel(lot_id)
        self._lots.pop(channel, None)
        self._homeless.discard(channel)
        for shard in self._shards.values():
            if channel in shard.channels:
                shard.channels.discard(channel)
                # A shard that is gone has nothing subscribed any more either.
                with contextlib.suppress(RedisError, OSError):
                    await shard.pubsub.sunsubscribe(channel)

    async def next_event(self, timeout_s: float) -> LotEvent | Gap | None:
        if self._homeless:
            return await self._rehome()
        try:
            item = self._inbox.get_nowait()  # the common case under load: no timer, no task
        except asyncio.QueueEmpty:
            try:
                item = await asyncio.wait_for(self._inbox.get(), timeout_s)
            except TimeoutError:
                return None
        if isinstance(item, _Lost):
            lost = await self._channels_lost(item)
            self._homeless |= lost
            self._gapped |= lost
            raise EngineUnavailable(f"a shard's event subscription was lost: {item.reason}")
        return item

    async def close(self) -> None:
        for name in list(self._shards):
            await self._drop(name)

    # -- shards --------------------------------------------------------------------------

    async def _place(self, channel: bytes) -> None:
        """Subscribe `channel` on the master that serves its slot now."""
        await ready(self.cluster)
        node = self.cluster.get_node_from_key(channel.decode())
        if node is None:  # the slot has no master at the moment (a failover under way)
            raise SlotNotCoveredError(f"no master serves {channel!r} now")
        shard = self._shards.get(node.name) or self._open(node)
        await shard.pubsub.ssubscribe(channel)
        shard.channels.add(channel)
        if shard.reader is None:  # read once subscribed: before, the pub/sub has no connection
            shard.reader = asyncio.create_task(self._read(shard), name=f"events from {node.name}")

    def _open(self, node: ClusterNode) -> _Shard:
        # The node's own connection settings (address, password, TLS), on a pool of its own:
        # a pub/sub connection is held for as long as the shard carries a watched lot.
        pool = ConnectionPool(connection_class=node.connection_class, **node.connection_kwargs)
        client = Redis(connection_pool=pool)
        shard = self._shards[node.name] = _Shard(node.name, client, client.pubsub())
        return shard

    async def _drop(self, name: str) -> set[bytes]:
        shard = self._shards.pop(name, None)
        if shard is None:
            return set()
        if shard.reader is not None and shard.reader is not asyncio.current_task():
            shard.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await shard.reader
        with contextlib.suppress(RedisError, OSError):
            await shard.pubsub.aclose()  # type: ignore[no-untyped-call]
            await shard.client.aclose()
        return shard.channels

    async def _read(self, shard: _Shard) -> None:
        while True:
            try:
                message = await shard.pubsub.get_message(timeout=1.0)
            except Exception as exc:
                if not is_redis_failure(exc):  # any failure of the shard's connection, a MOVED too
                    raise
                self._inbox.put_nowait(_Lost(shard.name, reason=f"{shard.name}: {exc}"))
                return
            if message is None:
                continue
            channel = message["channel"]
            if message["type"] == "smessage":
                lot_id = self._lots.get(channel)
                if lot_id is not None:
                    self._inbox.put_nowait((lot_id, message["data"]))
            elif message["type"] == "sunsubscribe" and channel in shard.channels and channel in self._lots:
                # Not asked for (an unsubscribe forgets the lot first): the slot moved away.
                shard.channels.discard(channel)
                self._inbox.put_nowait(_Lost(None, (channel,), f"{channel!r} moved from {shard.name}"))

    async def _channels_lost(self, lost: _Lost) -> set[bytes]:
        channels = set(lost.channels) if lost.shard is None else await self._drop(lost.shard)
        return {channel for channel in channels if channel in self._lots}

    async def _rehome(self) -> Gap:
        """Subscribe the homeless channels where the cluster now serves them."""
        try:
            await refresh_topology(self.cluster)
            for channel in list(self._homeless):
                await self._place(channel)
                self._homeless.discard(channel)
        except TRANSIENT as exc:
            raise EngineUnavailable(f"lot events not subscribed again yet: {exc}") from exc
        lots = tuple(self._lots[channel] for channel in self._gapped if channel in self._lots)
        self._gapped.clear()
        log.info("%d lots' event subscriptions made again on the cluster's current masters", len(lots))
        return Gap(lots)
