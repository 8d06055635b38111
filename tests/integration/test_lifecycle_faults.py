"""The lifecycle clock when things go wrong: a lot that cannot be recorded, titles at their
longest, a close recorded late, lots opened after their window."""

from __future__ import annotations

import asyncio
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.disclosure.announcement_items import HolderLine
from auction.disclosure.notices import records_of
from auction.disclosure.texts import auction_notice, status_notice
from auction.enums import AnnouncementKind, LotStatus, PriorityRight, Role
from auction.lots.control import control_lot
from auction.lots.lifecycle import LotScheduler, close_due_lots, open_due_lots
from auction.models import Announcement, Court, Lot, Property
from auction.rules import sandbox
from bidding_engine.engine import BiddingEngine
from core.db import utcnow
from tests import factories
from tests.integration.conftest import advance_clock
from tests.integration.test_lifecycle import announced_lot, lot_row, opened

PROFILE = sandbox(extension_seconds=10, objection_seconds=60)


async def _refuse_notices_of(sessions: async_sessionmaker[AsyncSession], lot_id: int) -> None:
    """A database that refuses this one lot's notices: what a too-long title did before."""
    async with sessions.begin() as session:
        await session.execute(
            sa.text(
                f"""
                CREATE OR REPLACE FUNCTION refuse_lot_notice() RETURNS trigger AS $$
                BEGIN
                  IF NEW.lot_id = {int(lot_id)} THEN RAISE EXCEPTION 'value too long for this test'; END IF;
                  RETURN NEW;
                END $$ LANGUAGE plpgsql"""
            )
        )
        await session.execute(
            sa.text(
                "CREATE TRIGGER refuse_lot_notice BEFORE INSERT ON announcements "
                "FOR EACH ROW EXECUTE FUNCTION refuse_lot_notice()"
            )
        )


async def _accept_notices_again(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        await session.execute(sa.text("DROP TRIGGER refuse_lot_notice ON announcements"))
        await session.execute(sa.text("DROP FUNCTION refuse_lot_notice()"))


async def test_a_lot_that_cannot_be_recorded_never_holds_up_the_others(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    stuck, fine = await opened(committed, standalone_engine), await opened(committed, standalone_engine)
    for made in (stuck, fine):
        await standalone_engine.bid(made.lot.id, made.registrations[0].id, 100_000, "a")
        await advance_clock(standalone_engine, made.lot.id, 600_000)
    await _refuse_notices_of(committed, stuck.lot.id)
    scheduler = LotScheduler(standalone_engine, committed, PROFILE)
    try:
        assert await scheduler.tick() == ([], [fine.lot.id])
        assert await scheduler.tick() == ([], [])  # retried, still refused, still alone
        assert (await lot_row(committed, fine.lot.id)).status is LotStatus.SOLD
        assert (await lot_row(committed, stuck.lot.id)).status is LotStatus.LIVE
        failure = scheduler.failures[stuck.lot.id]
        assert failure.stage == "close" and failure.attempts == 2 and "too long" in failure.error
    finally:
        await _accept_notices_again(committed)
    assert await scheduler.tick() == ([], [stuck.lot.id])  # recorded once the cause is gone
    assert scheduler.failures == {}
    assert (await lot_row(committed, stuck.lot.id)).status is LotStatus.SOLD


async def test_the_longest_titles_a_listing_accepts_make_every_notice(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await opened(committed, standalone_engine)
    async with committed.begin() as session:
        court = await session.get(Court, made.court.id)
        prop = await session.get(Property, made.property.id)
        assert court is not None and prop is not None
        court.name = "法" * 200
        prop.title = "标" * 300
    await standalone_engine.bid(made.lot.id, made.registrations[0].id, 100_000, "a")
    await advance_clock(standalone_engine, made.lot.id, 600_000)
    assert await close_due_lots(committed, standalone_engine) == [made.lot.id]
    async with committed.begin() as session:
        lot = await session.get(Lot, made.lot.id)
        assert lot is not None
        court, case, prop = await records_of(session, lot)
        # The titles the other notices build, at their longest, are stored whole too.
        for notice in (
            auction_notice(court, case, prop, lot, PROFILE, [HolderLine("甲", 1, PriorityRight.TENANT)] * 2),
            status_notice(AnnouncementKind.SUSPENSION, court, prop, "原" * 500),
        ):
            session.add(
                Announcement(
                    kind=notice.kind,
                    court_id=court.id,
                    lot_id=lot.id,
                    title_zh=notice.title_zh,
                    title_en=notice.title_en,
                    body_zh=notice.body_zh,
                    body_en=notice.body_en,
                )
            )
        await session.flush()
        titles = list(
            await session.scalars(sa.select(Announcement.title_zh).where(Announcement.lot_id == lot.id))
        )
    assert len(titles) == 4 and max(len(t) for t in titles) > 300


async def test_a_close_recorded_late_keeps_the_moment_the_engine_closed(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await opened(committed, standalone_engine)
    await standalone_engine.bid(made.lot.id, made.registrations[0].id, 100_000, "a")
    await advance_clock(standalone_engine, made.lot.id, 600_000)
    first = await standalone_engine.close(made.lot.id)  # the engine closes; nobody records it yet
    assert first.closed_now and first.closed_ms > 0
    await asyncio.sleep(1.2)
    assert await close_due_lots(committed, standalone_engine) == [made.lot.id]
    lot = await lot_row(committed, made.lot.id)
    assert lot.closed_at is not None
    assert abs(lot.closed_at.timestamp() * 1000 - first.closed_ms) < 5
    assert lot.balance_due_at == lot.closed_at + dt.timedelta(days=lot.balance_deadline_days)


async def test_a_lot_the_clock_missed_entirely_opens_for_its_whole_bidding_period(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    """The clock was down from before the start to after the end: the lot does not fail unseen."""
    now = utcnow()
    async with committed.begin() as session:
        made = await factories.lot_with_bidders(
            session,
            1,
            status=LotStatus.ANNOUNCED,
            start_at=now - dt.timedelta(hours=2),
            end_at=now - dt.timedelta(hours=1),
        )
    assert await open_due_lots(committed, standalone_engine, PROFILE) == [made.lot.id]
    assert await close_due_lots(committed, standalone_engine) == []
    snapshot = await standalone_engine.snapshot(made.lot.id)
    assert snapshot is not None and snapshot.status.value == "live"
    remaining_s = (snapshot.end_ms - snapshot.now_ms) / 1000
    assert 3600 - 5 < remaining_s <= 3600
    assert (await lot_row(committed, made.lot.id)).end_at.timestamp() * 1000 == snapshot.end_ms


async def test_a_lot_suspended_before_its_start_and_resumed_after_its_end_opens_in_full(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await announced_lot(committed, starts_in_s=3600)
    async with committed.begin() as session:
        staff = await factories.user(session, role=Role.COURT_STAFF, court_id=made.court.id)
        await control_lot(session, standalone_engine, staff, made.lot.id, "suspend", "查封异议")
    async with committed.begin() as session:  # the suspension outlasts the whole window
        lot = await session.get(Lot, made.lot.id)
        assert lot is not None and lot.status is LotStatus.SUSPENDED
        lot.start_at, lot.end_at = utcnow() - dt.timedelta(minutes=20), utcnow() - dt.timedelta(minutes=10)
    async with committed.begin() as session:
        await control_lot(session, standalone_engine, staff, made.lot.id, "resume", "异议已处理")
    assert await open_due_lots(committed, standalone_engine, PROFILE) == [made.lot.id]
    assert await close_due_lots(committed, standalone_engine) == []
    snapshot = await standalone_engine.snapshot(made.lot.id)
    assert snapshot is not None and snapshot.status.value == "live"
    assert 600 - 5 < (snapshot.end_ms - snapshot.now_ms) / 1000 <= 600  # its 10 minutes, from now
