"""The Redis client every process uses, built in one place."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

# A burst of concurrent bids waits briefly for a pooled connection instead of failing:
# Redis answers each script in microseconds, so a small pool serves thousands of bids/s.
MAX_CONNECTIONS = 64
POOL_WAIT_S = 5.0


def connect(url: str, *, max_connections: int = MAX_CONNECTIONS) -> Redis:
    pool = BlockingConnectionPool.from_url(url, max_connections=max_connections, timeout=POOL_WAIT_S)
    return Redis(connection_pool=pool)
