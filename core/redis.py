"""The Redis client every process uses, built in one place: one server, or a Redis Cluster.

On a cluster every key and channel carries a hash tag (`{lot:42}`, `{sessions}`, …), so each
script, pipeline and subscription stays within one slot; nothing else differs for callers.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import (
    BusyLoadingError,
    ClusterError,
    OutOfMemoryError,
    ReadOnlyError,
    RedisClusterException,
    RedisError,
    SlotNotCoveredError,
    TryAgainError,
)
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

AnyRedis = Redis | RedisCluster

# A burst of concurrent bids waits briefly for a pooled connection instead of failing:
# Redis answers each script in microseconds, so a small pool serves thousands of bids/s.
MAX_CONNECTIONS = 64
POOL_WAIT_S = 5.0
# redis-py's cluster client cannot wait for a connection (it refuses beyond its cap), and a
# batch of bids goes out as concurrent calls, one per lot: the cap per node is a safety net
# well above what a batch uses, not a pool size (connections open only as needed).
CLUSTER_CONNECTIONS_PER_NODE = 1024


# Redis unreachable, timing out, or answering that it cannot serve right now: a replica that
# turned read-only in a failover, a server out of memory or still loading, a cluster that is
# down, moving a slot, or has no master for one yet. Any other error reply is a bug.
TRANSIENT: tuple[type[Exception], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    BusyLoadingError,
    ReadOnlyError,
    OutOfMemoryError,
    ClusterError,
    TryAgainError,
    SlotNotCoveredError,
    OSError,
)


def is_transient(exc: BaseException) -> bool:
    # redis-py raises the bare RedisClusterException when no startup node answers; its
    # subclasses (a cross-slot call, a bad pipeline) are bugs.
    return isinstance(exc, TRANSIENT) or type(exc) is RedisClusterException


def is_redis_failure(exc: BaseException) -> bool:
    """Any error of Redis or of the way to it (a subscriber reconnects after all of these)."""
    return isinstance(exc, RedisError | OSError) or is_transient(exc)


def connect(url: str, *, cluster: bool = False, max_connections: int = MAX_CONNECTIONS) -> AnyRedis:
    """A client for `url`; with `cluster`, `url` names any node and the client finds the rest."""
    if cluster:
        return RedisCluster.from_url(url, max_connections=max(max_connections, CLUSTER_CONNECTIONS_PER_NODE))
    pool = BlockingConnectionPool.from_url(url, max_connections=max_connections, timeout=POOL_WAIT_S)
    return Redis(connection_pool=pool)


async def ready(redis: AnyRedis) -> None:
    """Before a cluster client's first pub/sub: its commands learn the slots on first use, its
    pub/sub does not (a no-op once done, and on one server)."""
    if isinstance(redis, RedisCluster):
        _ = await redis.initialize()


async def refresh_topology(redis: AnyRedis) -> None:
    """After a failover or a slot move: ask the cluster again which node serves which slots
    (a no-op on one server). Fails like any Redis call when no node answers."""
    if isinstance(redis, RedisCluster):
        _ = await redis.initialize()
        await redis.nodes_manager.initialize()


async def ping(redis: AnyRedis) -> None:
    """Whether Redis answers. On a cluster one node (any) answering will do: a master being
    replaced makes its lots `unavailable` for seconds, and must not make every app host look
    dead to its orchestrator (which would restart them all)."""
    if isinstance(redis, RedisCluster):
        await redis.ping(target_nodes=RedisCluster.RANDOM)
    else:
        await redis.ping()
