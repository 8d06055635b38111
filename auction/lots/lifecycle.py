"""The lot lifecycle clock: announced lots open at `start_at`, live lots close at the engine's
end time, and the result is recorded once, whichever worker sees it first.

Runs in every worker without double work: opening takes the due lots with
`FOR UPDATE SKIP LOCKED`; closing is decided by the engine's idempotent close script and
recorded under the lot's row lock, only while the row still says `live`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.disclosure.notices import publish_result_notice
from auction.enums import DepositStatus, LotStatus, SaleKind, TimelineKind
from auction.lots.bid_log import flush_lot
from auction.lots.deposits import move_deposit
from auction.lots.transitions import add_timeline, datetime_to_ms, ms_to_datetime, transition
from auction.models import Lot, Property, Registration
from auction.rules import RuleProfile
from bidding_engine.engine import BiddingEngine
from bidding_engine.errors import EngineUnavailable
from bidding_engine.results import CloseResult, EligibleRegistration, LotOpening
from core.tasks import stop_if_cancelled

log = logging.getLogger(__name__)
OPEN_BATCH = 50


async def eligible_registrations(session: AsyncSession, lot_id: int) -> tuple[EligibleRegistration, ...]:
    rows = await session.execute(
        sa.select(Registration.id, Registration.bidder_code, Registration.priority_rank).where(
            Registration.lot_id == lot_id, Registration.deposit_status == DepositStatus.FROZEN
        )
    )
    return tuple(EligibleRegistration(row.id, row.bidder_code, row.priority_rank) for row in rows)


async def open_due_lots(
    sessions: async_sessionmaker[AsyncSession], engine: BiddingEngine, profile: RuleProfile
) -> list[int]:
    now = ms_to_datetime(await engine.now_ms())
    opened = []
    async with sessions.begin() as session:
        lots = await session.scalars(
            sa.select(Lot)
            .where(Lot.status == LotStatus.ANNOUNCED, Lot.start_at <= now)
            .order_by(Lot.start_at)
            .limit(OPEN_BATCH)
            .with_for_update(skip_locked=True)
        )
        for lot in lots:
            await engine.open(
                LotOpening(
                    lot_id=lot.id,
                    starting_price=lot.starting_price,
                    increment=lot.increment,
                    end_ms=datetime_to_ms(lot.end_at),
                    extension_ms=int(profile.extension.total_seconds() * 1000),
                    registrations=await eligible_registrations(session, lot.id),
                    first_bid_window_ms=(
                        int(profile.fixed_price_window.total_seconds() * 1000)
                        if lot.sale_kind is SaleKind.FIXED_PRICE
                        else 0
                    ),
                )
            )
            await transition(session, lot, LotStatus.LIVE, reason="start_at reached")
            await add_timeline(session, lot, TimelineKind.AUCTION_STARTED)
            opened.append(lot.id)
    return opened


async def record_close(
    session: AsyncSession, engine: BiddingEngine, lot_id: int, result: CloseResult
) -> bool:
    """Record an engine close in PostgreSQL once; False when another worker already did."""
    lot = await session.scalar(sa.select(Lot).where(Lot.id == lot_id).with_for_update())
    if lot is None or lot.status is not LotStatus.LIVE:
        return False
    lot.bid_chain_head = await flush_lot(session, engine, lot_id)
    lot.engine_end_at = ms_to_datetime(result.end_ms)
    lot.closed_at = ms_to_datetime(result.now_ms)
    await transition(session, lot, LotStatus.ENDED, reason="engine end time reached")
    if result.outcome == "sold":
        lot.result_price = result.price
        lot.winner_registration_id = result.winner_registration_id
        lot.balance_due_at = lot.closed_at + dt.timedelta(days=lot.balance_deadline_days)
        await transition(session, lot, LotStatus.SOLD)
        await add_timeline(session, lot, TimelineKind.SOLD, f"{result.winner_code} {result.price}")
    else:
        await transition(session, lot, LotStatus.FAILED)
        await add_timeline(session, lot, TimelineKind.FAILED)
    case_id = await session.scalar(sa.select(Property.case_id).where(Property.id == lot.property_id))
    assert case_id is not None
    await settle_deposits_at_close(session, lot, case_id)
    await publish_result_notice(session, lot, case_id, result.winner_code)
    return True


async def settle_deposits_at_close(session: AsyncSession, lot: Lot, case_id: int) -> None:
    """The winner's deposit is applied to the price; every other frozen deposit is released
    at once (the rules allow 24 hours). Each movement is a ledger posting."""
    frozen = await session.scalars(
        sa.select(Registration).where(
            Registration.lot_id == lot.id, Registration.deposit_status == DepositStatus.FROZEN
        )
    )
    for registration in frozen:
        won = registration.id == lot.winner_registration_id
        await move_deposit(
            session, registration, DepositStatus.APPLIED if won else DepositStatus.REFUNDED, case_id=case_id
        )


async def close_due_lots(
    sessions: async_sessionmaker[AsyncSession], engine: BiddingEngine, missing: set[int] | None = None
) -> list[int]:
    """Close every live lot whose engine end has passed; `missing` remembers lots already
    reported as unknown to the engine, so the log says it once per lot, not ten times a second."""
    async with sessions() as session:
        live = list(await session.scalars(sa.select(Lot.id).where(Lot.status == LotStatus.LIVE)))
    results = await asyncio.gather(*(engine.close(lot_id) for lot_id in live))
    recorded = []
    for lot_id, result in zip(live, results, strict=True):
        if result.status == "missing" and (missing is None or lot_id not in missing):
            log.error("lot %s is live in PostgreSQL but unknown to the engine: rebuild it", lot_id)
            if missing is not None:
                missing.add(lot_id)
        if result.status != "ended":
            continue
        async with sessions.begin() as session:
            if await record_close(session, engine, lot_id, result):
                recorded.append(lot_id)
    return recorded


class LotScheduler:
    def __init__(
        self,
        engine: BiddingEngine,
        sessions: async_sessionmaker[AsyncSession],
        profile: RuleProfile,
        *,
        tick_s: float = 0.1,
    ) -> None:
        self.engine = engine
        self.sessions = sessions
        self.profile = profile
        self.tick_s = tick_s
        self.reported_missing: set[int] = set()

    async def tick(self) -> tuple[list[int], list[int]]:
        opened = await open_due_lots(self.sessions, self.engine, self.profile)
        closed = await close_due_lots(self.sessions, self.engine, self.reported_missing)
        return opened, closed

    async def run(self) -> None:
        while True:
            stop_if_cancelled()
            try:
                await self.tick()
            except (EngineUnavailable, OSError, sa.exc.SQLAlchemyError) as exc:
                # Fails closed: nothing opens or closes until both services answer again.
                log.warning("lifecycle tick failed, retrying: %s", exc)
                await asyncio.sleep(1.0)
            await asyncio.sleep(self.tick_s)
