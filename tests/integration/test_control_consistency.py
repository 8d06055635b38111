"""Suspend, resume and cancel keep the engine and the record in step, whatever fails between the
two, and a cancelled lot loses no bid the engine accepted."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import LotStatus, Role
from auction.lots.bid_log import check_chain
from auction.lots.control import control_lot
from auction.lots.lifecycle import LotScheduler
from auction.models import Bid, User
from auction.rules import sandbox
from bidding_engine.engine import BiddingEngine
from tests import factories
from tests.integration.test_lifecycle import lot_row, opened
from tests.integration.test_lifecycle_faults import _accept_notices_again, _refuse_notices_of

PROFILE = sandbox(extension_seconds=10, objection_seconds=60)


async def staff_of(sessions: async_sessionmaker[AsyncSession], court_id: int) -> User:
    async with sessions.begin() as session:
        return await factories.user(session, role=Role.COURT_STAFF, court_id=court_id)


async def test_a_cancelled_lot_keeps_every_bid_the_engine_took(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await opened(committed, standalone_engine)
    a, b, _ = made.registrations
    for n in range(6):  # no persister runs: the bids are only in the engine's stream
        bidder = (a, b)[n % 2]
        assert (await standalone_engine.bid(made.lot.id, bidder.id, 100_000 + n * 1_000, f"c{n}")).accepted
    staff = await staff_of(committed, made.court.id)
    async with committed.begin() as session:
        await control_lot(session, standalone_engine, staff, made.lot.id, "cancel", "被执行人已履行")
    async with committed() as session:
        count = await session.scalar(
            sa.select(sa.func.count()).select_from(Bid).where(Bid.lot_id == made.lot.id)
        )
        check = await check_chain(session, made.lot.id)
    lot = await lot_row(committed, made.lot.id)
    assert count == 6 and check.valid and lot.bid_chain_head == check.head
    assert lot.status is LotStatus.CANCELLED
    ttl = await standalone_engine.redis.ttl(standalone_engine.keys(made.lot.id).state)
    assert 0 < ttl <= standalone_engine.keep_after_close_s  # a withdrawn lot's keys expire too


@pytest.mark.parametrize(("action", "engine_after"), [("suspend", "live"), ("cancel", "live")])
async def test_a_court_action_whose_record_fails_is_undone_in_the_engine(
    committed: async_sessionmaker[AsyncSession],
    standalone_engine: BiddingEngine,
    action: str,
    engine_after: str,
) -> None:
    made = await opened(committed, standalone_engine)
    staff = await staff_of(committed, made.court.id)
    await _refuse_notices_of(committed, made.lot.id)  # the record cannot be written
    try:
        with pytest.raises(sa.exc.DBAPIError):
            async with committed.begin() as session:
                await control_lot(session, standalone_engine, staff, made.lot.id, action, "原因")
    finally:
        await _accept_notices_again(committed)
    snapshot = await standalone_engine.snapshot(made.lot.id)
    assert snapshot is not None and snapshot.status.value == engine_after
    assert (await lot_row(committed, made.lot.id)).status is LotStatus.LIVE
    bidder = made.registrations[0]
    assert (await standalone_engine.bid(made.lot.id, bidder.id, 100_000, f"after-{action}")).accepted


@pytest.mark.parametrize(
    ("engine_action", "record"), [("suspend", LotStatus.LIVE), ("cancel", LotStatus.LIVE)]
)
async def test_the_clock_puts_back_what_a_dead_worker_left_in_the_engine(
    committed: async_sessionmaker[AsyncSession],
    standalone_engine: BiddingEngine,
    engine_action: str,
    record: LotStatus,
) -> None:
    """The worker changed the engine and died before writing the record (no undo ran)."""
    made = await opened(committed, standalone_engine)
    assert (await getattr(standalone_engine, engine_action)(made.lot.id)).accepted
    scheduler = LotScheduler(standalone_engine, committed, PROFILE)
    await scheduler.tick()
    snapshot = await standalone_engine.snapshot(made.lot.id)
    assert snapshot is not None and snapshot.status.value == "live"
    assert (await lot_row(committed, made.lot.id)).status is record


async def test_a_resume_whose_record_is_lost_is_suspended_again(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await opened(committed, standalone_engine)
    staff = await staff_of(committed, made.court.id)
    async with committed.begin() as session:
        await control_lot(session, standalone_engine, staff, made.lot.id, "suspend", "中止")
    assert (await standalone_engine.resume(made.lot.id)).accepted  # then the worker died
    await LotScheduler(standalone_engine, committed, PROFILE).tick()
    snapshot = await standalone_engine.snapshot(made.lot.id)
    assert snapshot is not None and snapshot.status.value == "suspended"
