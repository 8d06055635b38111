"""Fixed-window attempt counters on Redis, shared by every worker: sign-ins, sign-ups and the
parties' look-ups are counted per account or address over a window.

Failure policy: a throttle fails open. If Redis cannot be reached the attempt is allowed and
a warning is logged: locking every user out because a counter is unreachable would be worse
than a few unthrottled attempts (bidding itself fails closed in the engine).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from core.redis import AnyRedis, is_redis_failure

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Limit:
    name: str
    limit: int
    window_s: int


class Throttle:
    def __init__(self, redis: AnyRedis, namespace: str) -> None:
        self.redis = redis
        self.namespace = namespace

    def _key(self, limit: Limit, subject: str) -> str:
        # The subject is the key's hash tag: on a cluster each counter lives in the slot of
        # whom it counts (its two commands go to one node), spread over the shards.
        subject = subject.lower()[:200].replace("{", "(").replace("}", ")")
        return f"{self.namespace}:rl:{limit.name}:{{{subject}}}"

    async def retry_after(self, limit: Limit, subject: str) -> int:
        """Seconds until `subject` may try again, 0 when it may now."""
        key = self._key(limit, subject)
        try:
            count = await self.redis.get(key)
            if count is None or int(count) < limit.limit:
                return 0
            return max(int(await self.redis.ttl(key)), 1)
        except Exception as exc:
            if not is_redis_failure(exc):
                raise
            log.warning("throttle %s unavailable, allowing: %s", limit.name, exc)
            return 0

    async def record(self, limit: Limit, subject: str) -> None:
        key = self._key(limit, subject)
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                # Queued; execute() runs both atomically. SET NX EX starts the window (and works
                # on Redis 6, unlike EXPIRE NX).
                _ = pipe.set(key, 0, ex=limit.window_s, nx=True)
                _ = pipe.incr(key)
                await pipe.execute()
        except Exception as exc:
            if not is_redis_failure(exc):
                raise
            log.warning("throttle %s unavailable, not counted: %s", limit.name, exc)

    async def reset(self, limit: Limit, subject: str) -> None:
        try:
            await self.redis.delete(self._key(limit, subject))
        except Exception as exc:
            if not is_redis_failure(exc):
                raise
            log.warning("throttle %s unavailable, not reset: %s", limit.name, exc)
