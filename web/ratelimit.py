"""Rate limits.

- `TokenBucket` limits how fast one caller may act, in this process: the messages of a socket,
  the bids and proxies of a user over HTTP. It never waits on anything, so it can sit on the
  bid path.
- `core.throttle.Throttle` counts attempts over every worker in fixed windows on Redis
  (sign-ins, sign-ups, look-ups) and fails open.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    """`rate` actions a second, bursts of `burst`."""

    rate: float
    burst: float
    tokens: float = 0.0
    at: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class BucketsByKey:
    """One `TokenBucket` per key (a user id), the least recently used dropped past `max_keys`
    (a dropped key starts again with a full bucket: generous, never wrong)."""

    def __init__(self, rate: float, burst: float, max_keys: int = 100_000) -> None:
        self.rate, self.burst, self.max_keys = rate, burst, max_keys
        self._buckets: OrderedDict[object, TokenBucket] = OrderedDict()

    def take(self, key: object) -> bool:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.rate, self.burst)
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket.take()
