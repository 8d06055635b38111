"""A PostgreSQL read replica for the public pages, lists and exports (`DATABASE_REPLICA_URL`).

The replica is used while it answers and is close behind the primary: every second the watch
reads the primary's WAL position and the replica's replayed position, and keeps the primary's
positions of the last seconds, so the replica's lag is the age of the newest of them it has
replayed (an idle primary, whose position does not move, shows no lag). A replica further
behind than `max_lag_s`, unreachable, or no longer in recovery (promoted: not ours any more) is
left aside until it is back; a public read then goes to the primary. A read that fails on the
replica before the watch noticed is asked again of the primary (web.replica_reads).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time

import sqlalchemy as sa

from core.db import DATABASE_ERRORS, DbEngine, DbSessions
from core.tasks import stop_if_cancelled

log = logging.getLogger(__name__)

CHECK_EVERY_S = 1.0
_PRIMARY_POSITION = sa.text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")
_REPLICA_POSITION = sa.text(
    "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint"
)


class ReplicaWatch:
    def __init__(
        self,
        primary: DbEngine,
        replica: DbEngine,
        replica_sessions: DbSessions,
        *,
        max_lag_s: float,
    ) -> None:
        self.primary, self.replica, self.sessions = primary, replica, replica_sessions
        self.max_lag_s = max_lag_s
        self.usable = False  # not before the first check has seen it close behind
        self.lag_s: float | None = None
        self._positions: collections.deque[tuple[float, int]] = collections.deque()

    def set_aside(self, reason: str) -> None:
        if self.usable:
            log.warning("read replica set aside, public reads go to the primary: %s", reason)
        self.usable = False

    async def check(self) -> None:
        now = time.monotonic()
        try:
            async with self.primary.connect() as connection:
                position = int((await connection.execute(_PRIMARY_POSITION)).scalar_one())
        except DATABASE_ERRORS as exc:
            # The primary away: the pages fail over it anyway; say nothing about the replica.
            log.warning("replica lag not measured, the primary does not answer: %s", exc)
            return
        self._positions.append((now, position))
        while self._positions and now - self._positions[0][0] > self.max_lag_s + 2 * CHECK_EVERY_S:
            self._positions.popleft()
        try:
            async with self.replica.connect() as connection:
                recovering, replayed = (await connection.execute(_REPLICA_POSITION)).one()
        except DATABASE_ERRORS as exc:
            self.lag_s = None
            self.set_aside(f"it does not answer: {exc}")
            return
        if not recovering or replayed is None:
            self.lag_s = None
            self.set_aside("it is not a replica (promoted, or never was one)")
            return
        caught_up_to = [at for at, primary_at in self._positions if primary_at <= int(replayed)]
        self.lag_s = now - max(caught_up_to) if caught_up_to else None
        if self.lag_s is None or self.lag_s > self.max_lag_s:
            self.set_aside(f"it is more than {self.max_lag_s:g} s behind")
            return
        if not self.usable:
            log.info("read replica in use for public reads (%.1f s behind)", self.lag_s)
        self.usable = True

    async def run(self) -> None:
        while True:
            stop_if_cancelled()
            await self.check()
            await asyncio.sleep(CHECK_EVERY_S)
