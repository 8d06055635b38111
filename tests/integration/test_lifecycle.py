"""The lifecycle clock: lots open at start_at and close once at the engine's end time."""

from __future__ import annotations

import asyncio
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import DepositStatus, LotStatus, TimelineKind
from auction.lots.bid_log import check_chain
from auction.lots.lifecycle import LotScheduler, close_due_lots, open_due_lots
from auction.models import Lot, LotTransition, Registration, TimelineEvent
from auction.rules import sandbox
from bidding_engine.engine import BiddingEngine
from core.db import utcnow
from tests import factories
from tests.integration.conftest import advance_clock

PROFILE = sandbox(extension_seconds=10, objection_seconds=60)


async def announced_lot(
    sessions: async_sessionmaker[AsyncSession], *, starts_in_s: float
) -> factories.LotFixture:
    now = utcnow()
    async with sessions.begin() as session:
        made = await factories.lot_with_bidders(
            session,
            3,
            status=LotStatus.ANNOUNCED,
            start_at=now + dt.timedelta(seconds=starts_in_s),
            end_at=now + dt.timedelta(seconds=max(starts_in_s, 0) + 600),
        )
        made.registrations[2].deposit_status = DepositStatus.PENDING  # never paid
    return made


async def lot_row(sessions: async_sessionmaker[AsyncSession], lot_id: int) -> Lot:
    async with sessions() as session:
        lot = await session.get(Lot, lot_id)
        assert lot is not None
        return lot


async def test_due_lots_open_with_their_frozen_registrations(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    due = await announced_lot(committed, starts_in_s=-1)
    later = await announced_lot(committed, starts_in_s=3600)
    assert await open_due_lots(committed, standalone_engine, PROFILE) == [due.lot.id]
    assert await open_due_lots(committed, standalone_engine, PROFILE) == []
    assert (await lot_row(committed, due.lot.id)).status is LotStatus.LIVE
    assert (await lot_row(committed, later.lot.id)).status is LotStatus.ANNOUNCED

    frozen, _, pending = due.registrations
    assert (await standalone_engine.bid(due.lot.id, frozen.id, 100_000, "a")).accepted
    assert (await standalone_engine.bid(due.lot.id, pending.id, 101_000, "b")).code == "not_registered"
    snapshot = await standalone_engine.snapshot(due.lot.id)
    assert snapshot is not None and snapshot.end_ms == int(due.lot.end_at.timestamp() * 1000)
    async with committed() as session:
        kinds = list(
            await session.scalars(sa.select(TimelineEvent.kind).where(TimelineEvent.lot_id == due.lot.id))
        )
    assert kinds == [TimelineKind.AUCTION_STARTED]


async def opened(
    sessions: async_sessionmaker[AsyncSession], engine: BiddingEngine, bidders: int = 3
) -> factories.LotFixture:
    made = await announced_lot(sessions, starts_in_s=-1)
    await open_due_lots(sessions, engine, PROFILE)
    return made


async def test_a_sold_lot_is_recorded_once_with_deposits_settled(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await opened(committed, standalone_engine)
    winner, loser, never_paid = made.registrations
    await standalone_engine.bid(made.lot.id, loser.id, 100_000, "l")
    await standalone_engine.bid(made.lot.id, winner.id, 105_000, "w")
    assert await close_due_lots(committed, standalone_engine) == []  # not yet
    await advance_clock(standalone_engine, made.lot.id, 600_000)

    assert await close_due_lots(committed, standalone_engine) == [made.lot.id]
    assert await close_due_lots(committed, standalone_engine) == []
    lot = await lot_row(committed, made.lot.id)
    assert (lot.status, lot.result_price, lot.winner_registration_id) == (LotStatus.SOLD, 105_000, winner.id)
    assert lot.closed_at is not None and lot.balance_due_at == lot.closed_at + dt.timedelta(days=10)
    async with committed() as session:
        deposits = dict(
            (
                await session.execute(
                    sa.select(Registration.id, Registration.deposit_status).where(
                        Registration.lot_id == made.lot.id
                    )
                )
            ).all()
        )
        assert deposits == {
            winner.id: DepositStatus.APPLIED,
            loser.id: DepositStatus.REFUNDED,
            never_paid.id: DepositStatus.PENDING,
        }
        path = list(
            (
                await session.execute(
                    sa.select(LotTransition.from_status, LotTransition.to_status)
                    .where(LotTransition.lot_id == made.lot.id)
                    .order_by(LotTransition.id)
                )
            ).all()
        )
        assert path == [
            (LotStatus.ANNOUNCED, LotStatus.LIVE),
            (LotStatus.LIVE, LotStatus.ENDED),
            (LotStatus.ENDED, LotStatus.SOLD),
        ]
        check = await check_chain(session, made.lot.id)
    assert check.valid and check.count == 2 and lot.bid_chain_head == check.head


async def test_a_lot_without_bids_fails_and_releases_every_deposit(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await opened(committed, standalone_engine)
    await advance_clock(standalone_engine, made.lot.id, 600_000)
    await close_due_lots(committed, standalone_engine)
    lot = await lot_row(committed, made.lot.id)
    assert (lot.status, lot.result_price, lot.winner_registration_id) == (LotStatus.FAILED, None, None)
    async with committed() as session:
        statuses = set(
            await session.scalars(
                sa.select(Registration.deposit_status).where(
                    Registration.lot_id == made.lot.id, Registration.deposit_status != DepositStatus.PENDING
                )
            )
        )
    assert statuses == {DepositStatus.REFUNDED}


async def test_two_schedulers_racing_close_each_lot_once(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    lots = [await opened(committed, standalone_engine) for _ in range(5)]
    for made in lots:
        await standalone_engine.bid(made.lot.id, made.registrations[0].id, 100_000, "x")
        await advance_clock(standalone_engine, made.lot.id, 600_000)
    first = LotScheduler(standalone_engine, committed, PROFILE)
    second = LotScheduler(standalone_engine, committed, PROFILE)
    results = await asyncio.gather(first.tick(), second.tick(), first.tick(), second.tick())
    closed = [lot_id for _, closed_ids in results for lot_id in closed_ids]
    assert sorted(closed) == sorted(made.lot.id for made in lots)
    async with committed() as session:
        sold = await session.scalar(
            sa.select(sa.func.count())
            .select_from(LotTransition)
            .where(LotTransition.to_status == LotStatus.SOLD)
        )
    assert sold == 5


async def test_a_lot_extended_many_times_closes_once_after_its_last_extension(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine
) -> None:
    made = await opened(committed, standalone_engine)
    await advance_clock(standalone_engine, made.lot.id, 595_000)  # 5 s left; every bid now extends to 10 s
    scheduler = LotScheduler(standalone_engine, committed, PROFILE)
    for n in range(100):
        bidder = made.registrations[n % 2]
        assert (await standalone_engine.bid(made.lot.id, bidder.id, 100_000 + n * 1_000, f"x{n}")).accepted
        await advance_clock(standalone_engine, made.lot.id, 9_000)
        assert await scheduler.tick() == ([], [])
    await advance_clock(standalone_engine, made.lot.id, 1_000)
    assert await scheduler.tick() == ([], [made.lot.id])
    lot = await lot_row(committed, made.lot.id)
    assert lot.result_price == 199_000
