"""The lists' clock: entries whose period has run out leave the list (the listing rules ask
within three working days; this does it within a minute), in every worker, each pass in its own
transaction under row locks (two workers remove an entry once: the second finds it removed)."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.disclosure.listings import expire_due
from auction.errors import Conflict
from core.db import DATABASE_ERRORS, utcnow
from core.tasks import stop_if_cancelled

log = logging.getLogger(__name__)


class ListsClock:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, interval_s: float = 60.0) -> None:
        self.sessions = sessions
        self.interval_s = interval_s

    async def run_once(self) -> int:
        try:
            async with self.sessions.begin() as session:
                return await expire_due(session, utcnow())
        except Conflict:
            return 0  # another worker removed it first: its pass counts

    async def run(self) -> None:
        while True:
            stop_if_cancelled()
            try:
                expired = await self.run_once()
                if expired:
                    log.info("lists: %d entries expired and removed", expired)
            except DATABASE_ERRORS as exc:
                log.warning("lists clock: the database is away, retrying: %s", exc)
            await asyncio.sleep(self.interval_s)
