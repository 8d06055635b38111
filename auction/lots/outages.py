"""A lot the engine could not serve in its final minutes is deferred, not sold (RULES.md "After
the hammer": the engine unreachable inside the final window). While the engine is away nobody
can bid, so a close that follows an outage overlapping the last `final_window` before the end
(the soft-close extension: the minutes in which a late bid still moves the end) would sell the
lot to whoever led when bidders were kept out.

The lifecycle clock of every worker notes when the engine stops answering and, when it answers
again, records the outage in PostgreSQL before it closes anything; the close of each lot looks
there. A deferred lot is put back in the engine halted, holding the time that was left when the
outage began; the court resumes it (that time runs again) or annuls what followed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import socket

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.deadlines import deferral_due
from auction.disclosure.notices import publish, records_of
from auction.disclosure.texts import status_notice
from auction.enums import AnnouncementKind, LotStatus, TimelineKind
from auction.lots.bid_log import flush_lot
from auction.lots.rebuild import restoration
from auction.lots.transitions import add_timeline, datetime_to_ms, ms_to_datetime, transition
from auction.models import EngineOutage, Lot
from auction.rules import RuleProfile
from bidding_engine.engine import BiddingEngine
from bidding_engine.results import CloseResult
from core.db import utcnow


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


async def record_outage(
    sessions: async_sessionmaker[AsyncSession], began: dt.datetime, ended: dt.datetime
) -> None:
    async with sessions.begin() as session:
        session.add(EngineOutage(began_at=began, ended_at=ended, noticed_by=worker_name()))


async def outage_in(session: AsyncSession, start: dt.datetime, end: dt.datetime) -> EngineOutage | None:
    """The earliest recorded outage overlapping [start, end]."""
    found: EngineOutage | None = await session.scalar(
        sa.select(EngineOutage)
        .where(EngineOutage.began_at <= end, EngineOutage.ended_at >= start)
        .order_by(EngineOutage.began_at)
        .limit(1)
    )
    return found


async def defer_after_outage(
    session: AsyncSession,
    engine: BiddingEngine,
    profile: RuleProfile,
    lot: Lot,
    result: CloseResult,
    outage: EngineOutage,
) -> None:
    """Record the lot deferred instead of closed, and put it back in the engine halted with the
    time left when the outage began. Precondition: the lot's row is locked and live."""
    lot.bid_chain_head = await flush_lot(session, engine, lot.id)
    end = ms_to_datetime(result.end_ms)
    left = max(end - max(outage.began_at, end - profile.extension), dt.timedelta(0))
    now = utcnow()
    # The end the record shows is where the time left would run out if resumed now; a rebuild
    # (and the resumption) take the remaining time from it.
    lot.end_at = now + left
    lot.deferred_from, lot.deferred_until = LotStatus.LIVE.value, deferral_due(now).due_at
    reason = (
        f"引擎在 {outage.began_at.isoformat()} 至 {outage.ended_at.isoformat()} 不可用，覆盖竞价最后时段："
        "暂缓拍卖，由法院决定恢复或撤销。 The engine was unreachable from "
        f"{outage.began_at.isoformat()} to {outage.ended_at.isoformat()}, inside the final minutes: the lot "
        "is deferred, not sold, until the court resumes it or annuls it."
    )
    await transition(session, lot, LotStatus.DEFERRED, reason=reason)
    await add_timeline(session, lot, TimelineKind.DEFERRED, "engine_unreachable")
    court, case, prop = await records_of(session, lot)
    notice = status_notice(AnnouncementKind.DEFERRAL, court, prop, reason, lot.deferred_until)
    await publish(session, notice, court_id=court.id, case_id=case.id, lot_id=lot.id)
    await session.flush()
    now_ms = datetime_to_ms(now)
    rebuilt = await restoration(session, profile, lot.id, now_ms)
    # Halted with exactly the time that was left, whatever end the bids recorded.
    left_ms = int(left.total_seconds() * 1000)
    await engine.restore(dataclasses.replace(rebuilt, end_ms=now_ms + left_ms, remaining_ms=left_ms))
