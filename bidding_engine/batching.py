"""Script calls issued in the same event-loop turn leave as one pipeline.

Each call is still its own EVALSHA, atomic on Redis; batching only shares the round trip,
the pooled connection and the system calls between calls that were waiting anyway (the
same idea as node-redis auto-pipelining). One call alone goes out at once, in a batch of one.

Cancellation: a caller cancelled while its batch is in flight does not un-send its script;
the reply is dropped. That is no different from cancelling a plain request after the write.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, Final

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.commands.core import AsyncScript
from redis.exceptions import NoScriptError, ResponseError

MAX_BATCH: Final = 256

Call = tuple[str, Sequence[bytes | str], Sequence[bytes | str | int], "asyncio.Future[Any]"]


class ScriptBatcher:
    def __init__(self, redis: Redis | RedisCluster, scripts: dict[str, AsyncScript]) -> None:
        self._redis = redis
        self._scripts = scripts
        self._queue: list[Call] = []
        self._flush_scheduled = False
        self._in_flight: set[asyncio.Task[None]] = set()

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
            task = asyncio.create_task(self._send(batch))
            self._in_flight.add(task)  # keep a reference until it finishes
            task.add_done_callback(self._in_flight.discard)

    async def _send(self, batch: list[Call]) -> None:
        try:
            if len(batch) == 1:
                name, keys, args, future = batch[0]
                replies: list[Any] = [await self._scripts[name](keys=keys, args=args)]
            elif isinstance(self._redis, RedisCluster):
                # redis-py's cluster pipeline refuses EVALSHA: each call goes to its own node.
                replies = await asyncio.gather(
                    *(self._scripts[name](keys=keys, args=args) for name, keys, args, _ in batch),
                    return_exceptions=True,
                )
            else:
                replies = await self._pipelined(batch)
        except BaseException as exc:  # every caller of the batch learns the same failure
            for *_, future in batch:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (name, keys, args, future), reply in zip(batch, replies, strict=True):
            if isinstance(reply, NoScriptError):  # Redis restarted: load and run it alone
                await self._retry(name, keys, args, future)
            elif future.done():
                continue
            elif isinstance(reply, Exception):
                future.set_exception(reply)
            else:
                future.set_result(reply)

    async def _pipelined(self, batch: list[Call]) -> list[Any]:
        """One write of every EVALSHA in RESP, then one reply each, on one pooled connection.

        Packed here rather than by redis-py's pipeline: its per-argument encoding was the
        largest cost of the bid path (cProfile of `make bench-engine`).
        """
        assert isinstance(self._redis, Redis)
        payload = b"".join(
            _pack_evalsha(self._scripts[name].sha, keys, args) for name, keys, args, _ in batch
        )
        pool = self._redis.connection_pool
        connection = await pool.get_connection()  # type: ignore[no-untyped-call]
        try:
            await connection.send_packed_command(payload)
            replies: list[Any] = []
            for _ in batch:
                try:
                    replies.append(await connection.read_response())
                except ResponseError as exc:  # a script's error reply belongs to its caller alone
                    replies.append(exc)
        except BaseException:
            # The connection may hold unread replies: never hand it back in that state.
            await connection.disconnect()
            raise
        finally:
            await pool.release(connection)
        return replies

    async def _retry(
        self,
        name: str,
        keys: Sequence[bytes | str],
        args: Sequence[bytes | str | int],
        future: asyncio.Future[Any],
    ) -> None:
        try:
            reply = await self._scripts[name](keys=keys, args=args)
        except Exception as exc:
            if not future.done():
                future.set_exception(exc)
            return
        if not future.done():
            future.set_result(reply)


def _bulk(value: bytes | str | int) -> bytes:
    data = value if isinstance(value, bytes) else str(value).encode()
    return b"$%d\r\n%s\r\n" % (len(data), data)


def _pack_evalsha(sha: str, keys: Sequence[bytes | str], args: Sequence[bytes | str | int]) -> bytes:
    parts = [b"EVALSHA", sha.encode(), len(keys), *keys, *args]
    return b"*%d\r\n" % len(parts) + b"".join(_bulk(part) for part in parts)
