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
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.disclosure.notices import publish_result_notice
from auction.enums import HALTED_STATUSES, DepositStatus, LotStatus, SaleKind, TimelineKind
from auction.lots.bid_log import flush_lot
from auction.lots.deposits import move_deposit
from auction.lots.eligibility import CONFLICT, has_conflict
from auction.lots.outages import defer_after_outage, outage_in, record_outage
from auction.lots.party_notices import record_waivers
from auction.lots.rebuild import ENGINE_STATUS
from auction.lots.transitions import add_timeline, datetime_to_ms, ms_to_datetime, transition
from auction.models import EnforcementCase, Lot, Property, Registration
from auction.rules import RuleProfile
from bidding_engine.engine import BiddingEngine
from bidding_engine.errors import EngineUnavailable
from bidding_engine.results import CloseResult, ControlResult, EligibleRegistration, LotOpening
from core.db import DATABASE_ERRORS, database_away, utcnow
from core.tasks import stop_if_cancelled

log = logging.getLogger(__name__)
# A service away: the tick fails as a whole and is retried (nothing opens or closes meanwhile).
SERVICE_ERRORS: tuple[type[Exception], ...] = (EngineUnavailable, *DATABASE_ERRORS)
OPEN_BATCH = 50


async def eligible_registrations(session: AsyncSession, lot_id: int) -> tuple[EligibleRegistration, ...]:
    rows = await session.execute(
        sa.select(Registration.id, Registration.bidder_code, Registration.priority_rank).where(
            Registration.lot_id == lot_id, Registration.deposit_status == DepositStatus.FROZEN
        )
    )
    return tuple(EligibleRegistration(row.id, row.bidder_code, row.priority_rank) for row in rows)


# A lot opened later than this after its start (suspended before it, or the clock was down) gets
# its whole bidding period from the moment it opens: it never fails without having been live.
LATE_OPEN_GRACE = dt.timedelta(seconds=5)


@dataclass
class Failure:
    """A lot whose opening or close could not be recorded: retried every tick, reported meanwhile."""

    stage: str  # "open" | "close"
    error: str
    since: dt.datetime
    attempts: int = 1


Failures = dict[int, Failure]


def _service_away(exc: Exception) -> bool:
    return isinstance(exc, EngineUnavailable) or database_away(exc)


def _note_failure(failures: Failures, lot_id: int, stage: str, exc: Exception, now: dt.datetime) -> None:
    known = failures.get(lot_id)
    if known is None:
        log.exception("lot %s: the %s could not be recorded; it is retried every tick", lot_id, stage)
        failures[lot_id] = Failure(stage, f"{type(exc).__name__}: {exc}"[:500], now)
    else:
        known.attempts += 1
        known.error = f"{type(exc).__name__}: {exc}"[:500]


async def open_due_lots(
    sessions: async_sessionmaker[AsyncSession],
    engine: BiddingEngine,
    profile: RuleProfile,
    failures: Failures | None = None,
) -> list[int]:
    """Open the announced lots whose start has come, each in its own savepoint: one that cannot
    be opened is reported and retried, and never keeps the others shut."""
    failures = {} if failures is None else failures
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
            try:
                async with session.begin_nested():
                    await _open(session, engine, profile, lot, now)
            except Exception as exc:
                if _service_away(exc):
                    raise  # the whole tick waits for it
                _note_failure(failures, lot.id, "open", exc, now)  # this lot's own problem
                continue
            failures.pop(lot.id, None)
            opened.append(lot.id)
    return opened


async def _open(
    session: AsyncSession, engine: BiddingEngine, profile: RuleProfile, lot: Lot, now: dt.datetime
) -> None:
    reason = "start_at reached"
    if now - lot.start_at > LATE_OPEN_GRACE:
        lot.end_at = now + (lot.end_at - lot.start_at)
        reason = f"opened late: the full bidding period runs from now to {lot.end_at.isoformat()}"
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
    await transition(session, lot, LotStatus.LIVE, reason=reason)
    await add_timeline(session, lot, TimelineKind.AUCTION_STARTED)


async def record_close(
    session: AsyncSession,
    engine: BiddingEngine,
    lot_id: int,
    result: CloseResult,
    profile: RuleProfile | None = None,
) -> bool:
    """Record an engine close in PostgreSQL once; False when another worker already did. With
    the profile, a close after an engine outage in the final window defers the lot instead."""
    lot = await session.scalar(sa.select(Lot).where(Lot.id == lot_id).with_for_update())
    if lot is None or lot.status is not LotStatus.LIVE:
        return False
    if profile is not None:
        end = ms_to_datetime(result.end_ms)
        outage = await outage_in(session, end - profile.extension, end)
        if outage is not None:
            await defer_after_outage(session, engine, profile, lot, result, outage)
            return True
    lot.bid_chain_head = await flush_lot(session, engine, lot_id)
    lot.engine_end_at = ms_to_datetime(result.end_ms)
    # When the engine closed it, not when this worker got to record it.
    lot.closed_at = ms_to_datetime(result.closed_ms or result.end_ms)
    await transition(session, lot, LotStatus.ENDED, reason="engine end time reached")
    case_id, court_id = (
        await session.execute(
            sa.select(EnforcementCase.id, EnforcementCase.court_id)
            .join(Property, Property.case_id == EnforcementCase.id)
            .where(Property.id == lot.property_id)
        )
    ).one()
    if result.outcome == "sold" and await _winner_barred(session, result, lot.id, court_id):
        # Checked again at the confirmation (art. 34): a barred highest bidder buys nothing; the
        # lot has no lawful buyer and the court offers it again.
        await transition(session, lot, LotStatus.FAILED, reason=f"{CONFLICT}: the highest bidder is barred")
        await add_timeline(session, lot, TimelineKind.FAILED, f"{result.winner_code} ({CONFLICT})")
        await settle_deposits_at_close(session, lot, case_id)
        await publish_result_notice(session, lot, case_id, None, barred_code=result.winner_code)
        return True
    if result.outcome == "sold":
        lot.result_price = result.price
        lot.winner_registration_id = result.winner_registration_id
        lot.balance_due_at = lot.closed_at + dt.timedelta(days=lot.balance_deadline_days)
        await transition(session, lot, LotStatus.SOLD)
        await add_timeline(session, lot, TimelineKind.SOLD, f"{result.winner_code} {result.price}")
    else:
        await transition(session, lot, LotStatus.FAILED)
        await add_timeline(session, lot, TimelineKind.FAILED)
    await settle_deposits_at_close(session, lot, case_id)
    await record_waivers(session, lot, lot.closed_at)
    await publish_result_notice(session, lot, case_id, result.winner_code)
    return True


async def _winner_barred(session: AsyncSession, result: CloseResult, lot_id: int, court_id: int) -> bool:
    winner = await session.get(Registration, result.winner_registration_id)
    assert winner is not None
    if winner.ineligible_reason is None and not await has_conflict(
        session, winner.identity_hash, lot_id, court_id
    ):
        return False
    winner.ineligible_reason = winner.ineligible_reason or CONFLICT
    winner.ineligible_at = winner.ineligible_at or utcnow()
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
    sessions: async_sessionmaker[AsyncSession],
    engine: BiddingEngine,
    missing: set[int] | None = None,
    failures: Failures | None = None,
    profile: RuleProfile | None = None,
) -> list[int]:
    """Close every live lot whose engine end has passed, each in its own transaction: a lot whose
    close cannot be recorded is reported (`failures`, /healthz) and retried every tick, and never
    holds up the lots after it. In the same pass, a lot whose engine state disagrees with the
    record after a court action that could not be recorded is put back (`reconcile`).
    `missing` remembers lots already reported as unknown to the engine, so the log says it once
    per lot, not ten times a second."""
    failures = {} if failures is None else failures
    async with sessions() as session:
        rows = (
            await session.execute(
                sa.select(Lot.id, Lot.status).where(Lot.status.in_((LotStatus.LIVE, *HALTED_STATUSES)))
            )
        ).all()
    results = await asyncio.gather(*(engine.close(row.id) for row in rows))
    recorded = []
    for (lot_id, status), result in zip(rows, results, strict=True):
        if result.status == "missing" and (missing is None or lot_id not in missing):
            log.error(
                "lot %s is %s in PostgreSQL but unknown to the engine: rebuild it", lot_id, status.value
            )
            if missing is not None:
                missing.add(lot_id)
        if result.status != "ended":
            if result.status not in ("missing", ENGINE_STATUS[status].value):
                await reconcile(sessions, engine, lot_id)
            continue
        if status is not LotStatus.LIVE:
            # The engine ended a lot the record has suspended: a resume whose record was lost,
            # then the clock ran out. The engine's clock decides; the court must look at it.
            if lot_id not in failures:
                log.error("lot %s: ended in the engine but suspended in the record", lot_id)
                failures[lot_id] = Failure("close", "ended in the engine, suspended in the record", utcnow())
            continue
        try:
            async with sessions.begin() as session:
                if await record_close(session, engine, lot_id, result, profile):
                    recorded.append(lot_id)
        except Exception as exc:
            if _service_away(exc):
                raise  # the whole tick waits for it
            _note_failure(failures, lot_id, "close", exc, utcnow())  # this lot's own problem
            continue
        failures.pop(lot_id, None)
    return recorded


# The engine call that makes the engine agree with the record: (record, engine) -> call.
RECONCILE = {
    (LotStatus.LIVE, "suspended"): "resume",
    (LotStatus.SUSPENDED, "live"): "suspend",
    (LotStatus.LIVE, "cancelled"): "reinstate",
    (LotStatus.SUSPENDED, "cancelled"): "reinstate",
    (LotStatus.DEFERRED, "live"): "suspend",
    (LotStatus.DEFERRED, "cancelled"): "reinstate",
}


async def reconcile(sessions: async_sessionmaker[AsyncSession], engine: BiddingEngine, lot_id: int) -> bool:
    """Put the engine back where the record says the lot is, after a court action changed the
    engine but its record was never written (the worker died between the two). Under the lot's
    row lock, skipped while a court action holds it; True when a change was made."""
    async with sessions.begin() as session:
        lot = await session.scalar(sa.select(Lot).where(Lot.id == lot_id).with_for_update(skip_locked=True))
        if lot is None:
            return False
        snapshot = await engine.snapshot(lot_id)
        if snapshot is None:
            return False
        call = RECONCILE.get((lot.status, snapshot.status.value))
        if call is None:
            return False
        result: ControlResult = await getattr(engine, call)(lot_id)
        log.warning(
            "lot %s: engine %s, record %s: %s -> %s", lot_id, snapshot.status, lot.status.value, call, result
        )
        return result.accepted


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
        self.failures: Failures = {}  # lots that could not be opened or closed, retried each tick
        # Since when this clock could not reach the engine (auction.lots.outages); None: it can.
        self.engine_down_since: dt.datetime | None = None

    async def tick(self) -> tuple[list[int], list[int]]:
        opened = await open_due_lots(self.sessions, self.engine, self.profile, self.failures)
        if self.engine_down_since is not None:
            # Back from an outage: recorded before any close, so each close can see it.
            await self.engine.now_ms()  # raises while the engine is still away
            await record_outage(self.sessions, self.engine_down_since, utcnow())
            self.engine_down_since = None
        closed = await close_due_lots(
            self.sessions, self.engine, self.reported_missing, self.failures, self.profile
        )
        return opened, closed

    async def run(self) -> None:
        while True:
            stop_if_cancelled()
            try:
                await self.tick()
            except SERVICE_ERRORS as exc:
                # Fails closed: nothing opens or closes until both services answer again.
                if isinstance(exc, EngineUnavailable) and self.engine_down_since is None:
                    self.engine_down_since = utcnow()
                log.warning("lifecycle tick failed, retrying: %s", exc)
                await asyncio.sleep(1.0)
            await asyncio.sleep(self.tick_s)
