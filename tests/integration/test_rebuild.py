"""`auction engine rebuild LOT`: a lot's live state rebuilt from PostgreSQL equals the original."""

from __future__ import annotations

import asyncio
import dataclasses

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import Role
from auction.lots.bid_log import BidPersister
from auction.lots.bidding import BidService
from auction.lots.control import control_lot
from auction.lots.rebuild import rebuild_lot
from auction.models import Registration, User
from auction.rules import sandbox
from bidding_engine.engine import BiddingEngine
from bidding_engine.results import EligibleRegistration, LotOpening
from tests import factories
from tests.integration.conftest import auction

PROFILE = sandbox(10, 60)


async def test_a_rebuilt_lot_equals_the_original_and_bids_on(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine, cli_env: dict
) -> None:
    engine = standalone_engine
    async with committed.begin() as session:
        made = await factories.lot_with_bidders(session, 3)
        made.registrations[2].priority_rank = 1
        users = [await session.get(User, r.user_id) for r in made.registrations]
    lot_id = made.lot.id
    a, b, holder = made.registrations
    now = await engine.now_ms()
    regs = tuple(EligibleRegistration(r.id, r.bidder_code, r.priority_rank) for r in made.registrations)
    await engine.open(LotOpening(lot_id, 100_000, 1_000, now + 600_000, 10_000, regs))

    await engine.bid(lot_id, a.id, 100_000, "a1")
    assert (await BidService(committed, engine).proxy(users[1].id, lot_id, 130_000)).accepted  # type: ignore[union-attr]
    await engine.bid(lot_id, a.id, 110_000, "a2")  # b's proxy answers at 111 000
    await engine.bid(lot_id, holder.id, 111_000, "h1")  # the priority holder matches
    await BidPersister(engine, committed, "p").persist_once([lot_id])
    before = await engine.snapshot(lot_id)
    log_before = await engine.bids_since(lot_id)

    for key in engine.keys(lot_id).all:  # Redis loses the lot
        await engine.redis.delete(key)
    assert await engine.snapshot(lot_id) is None

    async with committed() as session:
        assert await rebuild_lot(session, engine, PROFILE, lot_id) == len(log_before)
    after = await engine.snapshot(lot_id)
    assert before is not None and after is not None
    assert dataclasses.replace(after, now_ms=0) == dataclasses.replace(before, now_ms=0)
    assert [dataclasses.replace(r, entry_id="") for r in await engine.bids_since(lot_id)] == [
        dataclasses.replace(r, entry_id="") for r in log_before
    ]

    # It bids on as the original would: b's proxy still answers a raise by a.
    result = await engine.bid(lot_id, a.id, 115_000, "a3")
    assert result.accepted and result.price == 116_000
    assert (await engine.snapshot(lot_id)).leader_code == b.bidder_code  # type: ignore[union-attr]

    # And from the command line.
    for key in engine.keys(lot_id).all:
        await engine.redis.delete(key)
    await BidPersister(engine, committed, "p2").persist_once([lot_id])  # nothing new: the stream is gone
    rebuilt = auction(cli_env, "engine", "rebuild", str(lot_id))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (await engine.snapshot(lot_id)).seq == len(log_before)  # type: ignore[union-attr]
    async with committed() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 3


async def test_a_healthy_lot_is_not_rebuilt_without_force_and_a_resumed_lot_keeps_its_end(
    committed: async_sessionmaker[AsyncSession], standalone_engine: BiddingEngine, cli_env: dict
) -> None:
    engine = standalone_engine
    async with committed.begin() as session:
        made = await factories.lot_with_bidders(session, 2)
        staff = await factories.user(session, role=Role.COURT_STAFF, court_id=made.court.id)
    lot_id = made.lot.id
    now = await engine.now_ms()
    regs = tuple(EligibleRegistration(r.id, r.bidder_code) for r in made.registrations)
    await engine.open(LotOpening(lot_id, 100_000, 1_000, now + 600_000, 10_000, regs))
    assert (await engine.bid(lot_id, made.registrations[0].id, 100_000, "kept")).accepted

    refused = auction(cli_env, "engine", "rebuild", str(lot_id))
    assert refused.returncode == 1 and "lot_in_engine" in refused.stderr
    assert (await engine.bid(lot_id, made.registrations[0].id, 100_000, "kept")).seq == 1  # its results kept

    async with committed.begin() as session:
        await control_lot(session, engine, staff, lot_id, "suspend", "暂停")
    await asyncio.sleep(1.0)  # the suspension lasts a second: the end moves by that much
    async with committed.begin() as session:
        await control_lot(session, engine, staff, lot_id, "resume", "恢复")
    resumed = await engine.snapshot(lot_id)
    await BidPersister(engine, committed, "p3").persist_once([lot_id])
    for key in engine.keys(lot_id).all:  # Redis loses the lot
        await engine.redis.delete(key)
    forced = auction(cli_env, "engine", "rebuild", str(lot_id))
    assert forced.returncode == 0, forced.stderr
    rebuilt = await engine.snapshot(lot_id)
    assert resumed is not None and rebuilt is not None
    assert rebuilt.end_ms == resumed.end_ms > now + 600_000
