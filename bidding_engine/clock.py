"""The engine clock: Redis `TIME`, the one clock that decides (docs/api.md, Conventions)."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster


async def engine_now_ms(redis: Redis | RedisCluster) -> int:
    seconds, microseconds = await redis.time()
    return int(seconds) * 1000 + int(microseconds) // 1000
