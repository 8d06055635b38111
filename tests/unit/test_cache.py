"""The per-worker micro-cache: one load per key and second, shared by a crowd that misses."""

from __future__ import annotations

import asyncio

import pytest

from web.cache import MicroCache


async def test_a_crowd_that_misses_shares_one_load() -> None:
    cache, calls = MicroCache(ttl_s=60), []

    async def load() -> int:
        calls.append(1)
        await asyncio.sleep(0.05)
        return 42

    assert await asyncio.gather(*(cache.get("k", load) for _ in range(20))) == [42] * 20
    assert len(calls) == 1
    assert await cache.get("k", load) == 42 and len(calls) == 1  # then a hit


async def test_an_expired_entry_is_loaded_again() -> None:
    cache, calls = MicroCache(ttl_s=0.01), []

    async def load() -> int:
        calls.append(1)
        return len(calls)

    assert await cache.get("k", load) == 1
    await asyncio.sleep(0.02)
    assert await cache.get("k", load) == 2


async def test_a_failed_load_reaches_every_waiter_and_is_not_kept() -> None:
    cache = MicroCache(ttl_s=60)

    async def broken() -> int:
        await asyncio.sleep(0.01)
        raise LookupError("no such lot")

    results = await asyncio.gather(*(cache.get("k", broken) for _ in range(5)), return_exceptions=True)
    assert all(isinstance(r, LookupError) for r in results)

    async def fine() -> int:
        return 7

    assert await cache.get("k", fine) == 7


async def test_waiters_load_anew_when_the_loading_request_is_cancelled() -> None:
    cache = MicroCache(ttl_s=60)
    started = asyncio.Event()

    async def slow() -> int:
        started.set()
        await asyncio.sleep(10)
        return 1

    async def quick() -> int:
        return 2

    loader = asyncio.create_task(cache.get("k", slow))
    await started.wait()
    waiter = asyncio.create_task(cache.get("k", quick))
    await asyncio.sleep(0)
    loader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loader
    assert await waiter == 2
