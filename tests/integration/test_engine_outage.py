"""An engine outage inside a lot's final minutes (RULES.md "After the hammer"): the lot is not
closed as sold when the engine answers again; it is deferred and reported, and the court resumes
it with the time that was left when bidders were kept out. The outage is real: the clock reaches
Redis through a relay the test cuts."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.enums import LotStatus, TimelineKind
from auction.lots.lifecycle import LotScheduler
from auction.models import Announcement, EngineOutage, TimelineEvent
from auction.rules import sandbox
from bidding_engine.engine import BiddingEngine
from core.redis import connect
from tests.e2e.relay import Relay
from tests.integration.conftest import advance_clock
from tests.integration.test_lifecycle import lot_row, opened

PROFILE = sandbox(extension_seconds=10, objection_seconds=60)


@pytest.fixture
async def relayed_engine(redis_namespace: str) -> AsyncIterator[tuple[BiddingEngine, Relay]]:
    relay = Relay()
    relay.target = ("127.0.0.1", 6379)
    client = connect(f"redis://127.0.0.1:{relay.port}/0")
    yield BiddingEngine(client, namespace=redis_namespace), relay
    relay.restore()
    await client.aclose()
    relay.close()


async def _run_for(scheduler: LotScheduler, seconds: float) -> None:
    task = asyncio.create_task(scheduler.run())
    await asyncio.sleep(seconds)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_an_outage_in_the_final_minutes_defers_the_lot_instead_of_selling_it(
    committed: async_sessionmaker[AsyncSession],
    standalone_engine: BiddingEngine,
    relayed_engine: tuple[BiddingEngine, Relay],
) -> None:
    engine, relay = relayed_engine
    made = await opened(committed, engine)
    leader = made.registrations[0]
    assert (await engine.bid(made.lot.id, leader.id, 100_000, "before")).accepted
    # Ten minutes to go, less 595 s: five seconds left, inside the final (10 s) window.
    await advance_clock(engine, made.lot.id, 595_000)
    scheduler = LotScheduler(engine, committed, PROFILE)
    relay.cut()
    await _run_for(scheduler, 2.5)  # the clock fails closed and notes since when
    assert scheduler.engine_down_since is not None
    # The lot's time runs out during the outage: about two seconds into it (the direct client
    # moves the engine's end on; the relayed one cannot).
    await advance_clock(standalone_engine, made.lot.id, 3_000)
    relay.restore()
    await _run_for(scheduler, 2.5)

    lot = await lot_row(committed, made.lot.id)
    assert lot.status is LotStatus.DEFERRED and lot.result_price is None
    assert lot.deferred_until is not None and lot.deferred_from == "live"
    async with committed() as session:
        outages = list(await session.scalars(sa.select(EngineOutage)))
        notices = list(
            await session.scalars(sa.select(Announcement.kind).where(Announcement.lot_id == lot.id))
        )
        nodes = list(
            await session.scalars(
                sa.select(TimelineEvent.detail).where(
                    TimelineEvent.lot_id == lot.id, TimelineEvent.kind == TimelineKind.DEFERRED
                )
            )
        )
    assert len(outages) == 1 and outages[0].ended_at > outages[0].began_at
    assert notices[-1].value == "deferral" and nodes == ["engine_unreachable"]
    snapshot = await engine.snapshot(lot.id)
    assert snapshot is not None and snapshot.status.value == "suspended"
    # The time left when the outage began (≤ the 5 s there were) runs again on resumption.
    assert snapshot.remaining_ms is not None and 0 < snapshot.remaining_ms <= 5_000
    resumed = await engine.resume(lot.id)
    assert resumed.accepted and resumed.end_ms is not None
    assert (await engine.bid(lot.id, made.registrations[1].id, 101_000, "after")).accepted


async def test_an_outage_before_the_final_minutes_lets_the_lot_close_as_usual(
    committed: async_sessionmaker[AsyncSession],
    standalone_engine: BiddingEngine,
    relayed_engine: tuple[BiddingEngine, Relay],
) -> None:
    engine, relay = relayed_engine
    made = await opened(committed, engine)
    assert (await engine.bid(made.lot.id, made.registrations[0].id, 100_000, "w")).accepted
    scheduler = LotScheduler(engine, committed, PROFILE)
    relay.cut()
    await _run_for(scheduler, 1.5)
    relay.restore()
    await _run_for(scheduler, 1.0)  # the outage is recorded; ten minutes were still left
    await advance_clock(standalone_engine, made.lot.id, 600_000)
    await _run_for(scheduler, 1.0)
    assert (await lot_row(committed, made.lot.id)).status is LotStatus.SOLD
