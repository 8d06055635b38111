"""A per-worker cache of a few public reads for about a second.

Public pages of a busy auction are read far more often than they change, and what changes by
the second (price, leader, end) comes from the engine or the socket, never from here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from core.tasks import cancel_requested

MAX_ENTRIES = 1_000


def lot_page_key(lot_id: int) -> str:
    """The lot page's read model (web.routes.lot_pages), dropped by the court's actions on it."""
    return f"lot:{lot_id}"


class MicroCache:
    def __init__(self, ttl_s: float = 1.0) -> None:
        self.ttl_s = ttl_s
        self._entries: dict[str, tuple[float, Any]] = {}
        self._loading: dict[str, asyncio.Future[Any]] = {}

    async def get(self, key: str, load: Callable[[], Awaitable[Any]]) -> Any:
        """The cached value, or one `load` shared by every caller that misses meanwhile: when an
        entry expires under a crowd, one request renders and the others wait for it instead of
        all rendering at once (which is what made the tail slow)."""
        now = time.monotonic()
        hit = self._entries.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        loading = self._loading.get(key)
        if loading is not None:
            try:
                # shield: a waiter cancelled (its client went away) must not cancel the load.
                return await asyncio.shield(loading)
            except asyncio.CancelledError:
                if loading.cancelled() and not cancel_requested():
                    return await self.get(key, load)  # the loader's client left: load anew
                raise
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._loading[key] = future
        try:
            value = await load()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an unwaited failure is not logged as lost
            raise
        finally:
            del self._loading[key]
        future.set_result(value)
        if len(self._entries) >= MAX_ENTRIES:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl_s, value)
        return value

    def forget(self, key: str) -> None:
        """Drop one entry: this worker's next read loads it again (after a change made here;
        other workers' copies expire within the ttl)."""
        self._entries.pop(key, None)
