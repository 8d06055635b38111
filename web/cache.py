"""A per-worker cache of a few public reads for about a second.

Public pages of a busy auction are read far more often than they change, and what changes by
the second (price, leader, end) comes from the engine or the socket, never from here.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

MAX_ENTRIES = 1_000


class MicroCache:
    def __init__(self, ttl_s: float = 1.0) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[str, tuple[float, Any]] = {}

    async def get(self, key: str, load: Callable[[], Awaitable[Any]]) -> Any:
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        value = await load()
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (now + self.ttl_s, value)
        return value
