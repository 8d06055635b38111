"""Script calls issued in the same event-loop turn leave as one pipeline per Redis node, and
none is answered before its write is on a replica when the deployment asks for that.

Each call is still its own EVALSHA, atomic on Redis; batching only shares the round trip,
the pooled connection and the system calls between calls that were waiting anyway (the
same idea as node-redis auto-pipelining). One call alone goes out at once, in a batch of one.

Acknowledged means replicated (`replicas` > 0): Redis replicates asynchronously, so a master
that dies right after a script can take the bid with it while the bidder was told "accepted".
The batch is followed, on the same connection, by `WAIT replicas timeout`: it returns once that
many replicas hold every write the connection made. When fewer did within the timeout, no write
of the batch is answered (neither accepted nor rejected: a rejection is recorded too), and its
callers get `EngineUnavailable`; a retry with the same `client_bid_id` returns the recorded
answer if the write survived, or is decided afresh if it did not. Either way no answer given
is ever contradicted. Read-only scripts (the snapshot) are answered regardless.

Cancellation: a caller cancelled while its batch is in flight does not un-send its script;
the reply is dropped. That is no different from cancelling a plain request after the write.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Final

from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterNode, RedisCluster
from redis.asyncio.connection import Connection
from redis.commands.core import AsyncScript
from redis.exceptions import AskError, MovedError, NoScriptError, ResponseError

from bidding_engine.boundary import text
from bidding_engine.errors import EngineUnavailable
from core.redis import is_transient, refresh_topology

log = logging.getLogger(__name__)

MAX_BATCH: Final = 256
RESENDS: Final = 2
READ_ONLY: Final = frozenset({"snapshot"})

Call = tuple[str, Sequence[bytes | str], Sequence[bytes | str | int], "asyncio.Future[Any]"]


class ScriptBatcher:
    def __init__(
        self,
        redis: Redis | RedisCluster,
        scripts: dict[str, AsyncScript],
        *,
        replicas: int = 0,
        replica_timeout_ms: int = 500,
    ) -> None:
        self._redis = redis
        self._scripts = scripts
        self.replicas = replicas
        self.replica_timeout_ms = replica_timeout_ms
        self._queue: list[Call] = []
        self._flush_scheduled = False
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stale_topology = False  # a node failed or a slot moved: ask the cluster again
        self._replicas_of: dict[str, int] = {}  # node -> replicas connected at the last write

    async def call(self, name: str, keys: Sequence[bytes | str], args: Sequence[bytes | str | int]) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._queue.append((name, keys, args, future))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        self._flush_scheduled = False
        while self._queue:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            task = asyncio.create_task(self._send(batch, resends=RESENDS))
            self._in_flight.add(task)  # keep a reference until it finishes
            task.add_done_callback(self._in_flight.discard)

    async def _send(self, batch: list[Call], *, resends: int) -> None:
        try:
            if isinstance(self._redis, RedisCluster):
                replies = await self._per_node(self._redis, batch)
            else:
                replies = await self._on_one_connection(self._redis, batch)
        except BaseException as exc:  # every caller of the batch learns the same failure
            for *_, future in batch:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        again: list[Call] = []
        for call, reply in zip(batch, replies, strict=True):
            future = call[3]
            if future.done():
                continue
            if resends and isinstance(reply, NoScriptError | MovedError | AskError):
                # A restarted or newly promoted node without the scripts, or a slot that moved:
                # load the scripts, or learn the slots, and send the call again (a slot that
                # moved to a master without the scripts takes both: MOVED, then NOSCRIPT).
                again.append(call)
            elif isinstance(reply, Exception):
                future.set_exception(reply)
            else:
                future.set_result(reply)
        if again:
            await self._resend(again, replies, resends - 1)

    async def _resend(self, calls: list[Call], replies: list[Any], resends: int) -> None:
        try:
            if any(isinstance(reply, NoScriptError) for reply in replies):
                for name in {call[0] for call in calls}:
                    await self._redis.script_load(self._scripts[name].script)
            if any(isinstance(reply, MovedError | AskError) for reply in replies):
                await refresh_topology(self._redis)
        except Exception as exc:
            for *_, future in calls:
                if not future.done():
                    future.set_exception(exc)
            return
        await self._send(calls, resends=resends)

    # -- one server ------------------------------------------------------------------------

    async def _on_one_connection(self, redis: Redis, batch: list[Call]) -> list[Any]:
        pool = redis.connection_pool
        connection = await pool.get_connection()  # type: ignore[no-untyped-call]
        try:
            return await self._exchange(connection, batch, "server")
        except BaseException:
            # The connection may hold unread replies: never hand it back in that state.
            await connection.disconnect()
            raise
        finally:
            await pool.release(connection)

    # -- a cluster: one pipeline per master, concurrently ----------------------------------

    async def _per_node(self, cluster: RedisCluster, batch: list[Call]) -> list[Any]:
        if self._stale_topology:
            self._stale_topology = False
            try:
                await refresh_topology(cluster)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                self._stale_topology = True  # no node answers yet: the calls below will fail
        _ = await cluster.initialize()
        groups: dict[str, tuple[ClusterNode, list[int]]] = {}
        for index, (_, keys, _, _) in enumerate(batch):
            key = keys[0].decode() if isinstance(keys[0], bytes) else keys[0]
            node = cluster.get_node_from_key(key)
            if node is None:
                raise EngineUnavailable(f"no master serves {key!r} now")
            groups.setdefault(node.name, (node, []))[1].append(index)
        replies: list[Any] = [None] * len(batch)
        outcomes = await asyncio.gather(
            *(self._on_node(node, [batch[i] for i in indices]) for node, indices in groups.values()),
            return_exceptions=True,
        )
        for (_, indices), outcome in zip(groups.values(), outcomes, strict=True):
            if isinstance(outcome, BaseException) and not isinstance(outcome, Exception):
                raise outcome
            if isinstance(outcome, Exception) and is_transient(outcome):
                self._stale_topology = True  # the node may be gone: its slots have a new master
            for position, index in enumerate(indices):
                replies[index] = outcome if isinstance(outcome, Exception) else outcome[position]
        return replies

    async def _on_node(self, node: ClusterNode, calls: list[Call]) -> list[Any]:
        connection = node.acquire_connection()
        try:
            return await self._exchange(connection, calls, node.name)
        except BaseException:
            await connection.disconnect()
            raise
        finally:
            node.release(connection)

    # -- the exchange itself ---------------------------------------------------------------

    async def _exchange(self, connection: Connection, batch: list[Call], node: str) -> list[Any]:
        """One write of every EVALSHA in RESP (and the WAIT), then one reply each.

        Packed here rather than by redis-py's pipeline: its per-argument encoding was the
        largest cost of the bid path (cProfile of `make bench-engine`).
        """
        writes = self.replicas > 0 and any(name not in READ_ONLY for name, *_ in batch)
        scripts = self._scripts
        payload = b"".join(_pack_evalsha(scripts[name].sha, keys, args) for name, keys, args, _ in batch)
        # WAIT for no more replicas than the node had at the last look: WAIT for a replica that
        # is not there would hold every batch for the whole timeout.
        wait_for = min(self.replicas, self._replicas_of.get(node, self.replicas))
        if writes:
            payload += _pack(b"WAIT", wait_for, self.replica_timeout_ms if wait_for else 0) + _pack(b"ROLE")
        await connection.send_packed_command(payload)
        replies: list[Any] = []
        for _ in batch:
            try:
                replies.append(await connection.read_response())
            except ResponseError as exc:  # a script's error reply belongs to its caller alone
                replies.append(exc)
        if not writes:
            return replies
        acknowledged = int(await connection.read_response())
        role = await connection.read_response()
        connected = len(role[2]) if text(role[0]) == "master" else 0
        if connected != self._replicas_of.get(node, self.replicas):
            log.warning(
                "Redis %s has %d replicas connected (acknowledgement wants %d)",
                node,
                connected,
                self.replicas,
            )
        self._replicas_of[node] = connected
        if acknowledged >= min(self.replicas, connected):
            # Held by the replicas asked for; or the node has none (a replica just promoted,
            # its old master not back yet): nothing could be promoted in its place, so waiting
            # would only stop bidding. The warning above says the shard runs without a copy.
            return replies
        log.warning(
            "%d of %d replicas of %s had a batch within %d ms: its writes are answered unavailable",
            acknowledged,
            min(self.replicas, connected),
            node,
            self.replica_timeout_ms,
        )
        unreplicated = EngineUnavailable(
            "the engine could not confirm this on a replica in time; "
            "send it again with the same client_bid_id for its answer"
        )
        return [
            unreplicated if name not in READ_ONLY and not isinstance(reply, Exception) else reply
            for (name, *_), reply in zip(batch, replies, strict=True)
        ]


def _bulk(value: bytes | str | int) -> bytes:
    data = value if isinstance(value, bytes) else str(value).encode()
    return b"$%d\r\n%s\r\n" % (len(data), data)


def _pack(*parts: bytes | str | int) -> bytes:
    return b"*%d\r\n" % len(parts) + b"".join(_bulk(part) for part in parts)


def _pack_evalsha(sha: str, keys: Sequence[bytes | str], args: Sequence[bytes | str | int]) -> bytes:
    return _pack(b"EVALSHA", sha.encode(), len(keys), *keys, *args)
