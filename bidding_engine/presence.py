"""Presence: how many sockets watch a lot over every gateway worker. Each worker reports its own
counts (kept a short while, so a dead worker's fade) and reads the others'; no script uses them."""

from __future__ import annotations

from collections.abc import Sequence

from bidding_engine.boundary import redis_boundary, text
from bidding_engine.keys import KeyedRedis


class WatcherCounts(KeyedRedis):
    async def report_watchers(
        self, worker: str, counts: dict[int, int], gone: Sequence[int], ttl_s: int
    ) -> None:
        """Record this worker's watcher count of each lot it serves (kept `ttl_s`, so a dead
        worker's counts fade) and forget the lots it no longer serves."""
        async with redis_boundary():
            pipe = self.redis.pipeline(transaction=False)
            for lot_id in gone:
                _ = pipe.hdel(self.keys(lot_id).watchers, worker)  # queued; sent by execute()
            for lot_id, count in counts.items():
                key = self.keys(lot_id).watchers
                _ = pipe.hset(key, worker, count)
                _ = pipe.expire(key, ttl_s)
            await pipe.execute()

    async def watchers_elsewhere(self, lot_ids: Sequence[int], worker: str) -> dict[int, int]:
        """For each lot, the watchers every other worker last reported."""
        if not lot_ids:
            return {}
        async with redis_boundary():
            pipe = self.redis.pipeline(transaction=False)
            for lot_id in lot_ids:
                _ = pipe.hgetall(self.keys(lot_id).watchers)
            replies = await pipe.execute()
        return {
            lot_id: sum(int(count) for name, count in reply.items() if text(name) != worker)
            for lot_id, reply in zip(lot_ids, replies, strict=True)
        }
