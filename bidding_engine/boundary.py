"""Where the engine meets the Redis client library: its failures become the engine's own.

Redis unreachable, timing out, or answering that it cannot serve right now (a replica that
turned read-only in a failover, a server out of memory or still loading, a cluster that is
down or moving a slot) is `EngineUnavailable`: bidding fails closed and callers retry. Any
other error reply is a bug in a script or a call and propagates as it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bidding_engine.errors import EngineUnavailable
from core.redis import is_transient


@contextlib.asynccontextmanager
async def redis_boundary() -> AsyncIterator[None]:
    try:
        yield
    except Exception as exc:
        if is_transient(exc):
            raise EngineUnavailable(f"the bidding engine cannot use Redis now: {exc}") from exc
        raise


def text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
