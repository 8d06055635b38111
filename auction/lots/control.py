"""The court's control of a published lot: defer (暂缓, by decision, at most 5 days), suspend
(中止, by ruling), resume or cancel (撤回) it, in the engine too when it holds the lot, with the
transition, the timeline node and the public notice. Deferral and suspension both halt bidding
and keep the remaining time (art. 28); a deferral is resumed or converted into a suspension
before its limit (`auction.deadlines`), and the console warns as the limit nears."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import lot_for_staff
from auction.deadlines import deferral_due
from auction.disclosure.notices import publish, records_of
from auction.disclosure.texts import status_notice
from auction.enums import HALTED_STATUSES, AnnouncementKind, DepositStatus, LotStatus, TimelineKind
from auction.errors import Conflict, ValidationFailed
from auction.lots.bid_log import flush_lot
from auction.lots.deposits import move_deposit
from auction.lots.transitions import add_timeline, ms_to_datetime, transition
from auction.models import (
    Lot,
    Registration,
    User,
)
from bidding_engine.engine import BiddingEngine
from bidding_engine.errors import EngineUnavailable
from core.db import utcnow

log = logging.getLogger(__name__)

CONTROL = {
    "defer": ((LotStatus.ANNOUNCED, LotStatus.LIVE), LotStatus.DEFERRED, AnnouncementKind.DEFERRAL),
    # A deferral is converted into a suspension by the ruling 中止 needs.
    "suspend": (
        (LotStatus.ANNOUNCED, LotStatus.LIVE, LotStatus.DEFERRED),
        LotStatus.SUSPENDED,
        AnnouncementKind.SUSPENSION,
    ),
    "resume": (HALTED_STATUSES, None, AnnouncementKind.RESUMPTION),
    "cancel": (
        (LotStatus.ANNOUNCED, LotStatus.LIVE, *HALTED_STATUSES),
        LotStatus.CANCELLED,
        AnnouncementKind.CANCELLATION,
    ),
}


TIMELINE = {
    "defer": TimelineKind.DEFERRED,
    "suspend": TimelineKind.SUSPENDED,
    "resume": TimelineKind.RESUMED,
    "cancel": TimelineKind.CANCELLED,
}
# The engine call of each action: a deferral halts the engine as a suspension does.
ENGINE_CALL = {"defer": "suspend", "suspend": "suspend", "resume": "resume", "cancel": "cancel"}
REASON_REQUIRED = frozenset({"suspend", "defer"})
# What puts the engine back when the record of a court action could not be written.
UNDO = {"defer": "resume", "suspend": "resume", "resume": "suspend", "cancel": "reinstate"}


async def control_lot(
    session: AsyncSession, engine: BiddingEngine, user: User, lot_id: int, action: str, reason: str = ""
) -> Lot:
    """Suspend (中止), resume or cancel (撤回) a lot, in the engine too when it holds the lot.

    The engine acts first, under the lot's row lock, so its clock decides (a lot whose end has
    passed cannot be suspended) and no bid lands after a withdrawal; then the record is written.
    If the record cannot be written, the engine is put back (`UNDO`); if even that fails, the
    lifecycle clock puts it back on its next pass (it compares the two under the same lock)."""
    allowed_from, to, kind = CONTROL[action]
    lot, case_id, court_id = await lot_for_staff(session, user, lot_id)
    reason = reason.strip()
    if action in REASON_REQUIRED and not reason:
        # The public notice states why bidding stops (RULES.md "After the hammer", art. 28).
        raise ValidationFailed(f"a {action} needs its reason", fields={"reason": "required"})
    if lot.status not in allowed_from:
        raise Conflict(f"a {lot.status.value} lot cannot be {action}ed", code="invalid_status")
    in_engine = await engine.snapshot(lot.id) is not None
    if action == "suspend" and lot.status is LotStatus.DEFERRED:
        in_engine = False  # converting: the engine is halted already, and stays so
    if action == "resume":
        # Back to where it was suspended from: live if the engine holds it, else announced.
        to = LotStatus.LIVE if in_engine else LotStatus.ANNOUNCED
    if in_engine:
        result = await getattr(engine, ENGINE_CALL[action])(lot.id)
        if not result.accepted:
            raise Conflict(
                f"the engine refused to {action}: {result.code}", code=result.code or "invalid_status"
            )
        if action == "resume" and result.end_ms:
            # The remaining time runs from now: the end the record shows (and a rebuild restores).
            lot.end_at = ms_to_datetime(result.end_ms)
    assert to is not None
    try:
        await _record(session, engine, lot, action, to, kind, reason, user, case_id, court_id)
    except BaseException:
        if in_engine:
            await undo_in_engine(engine, lot_id, action)  # not lot.id: the session is broken
        raise
    return lot


async def _record(
    session: AsyncSession,
    engine: BiddingEngine,
    lot: Lot,
    action: str,
    to: LotStatus,
    kind: AnnouncementKind,
    reason: str,
    user: User,
    case_id: int,
    court_id: int,
) -> None:
    if action == "cancel":
        # The engine takes no bid any more: every bid it accepted goes to the record now.
        lot.bid_chain_head = await flush_lot(session, engine, lot.id)
    if to is LotStatus.DEFERRED:
        lot.deferred_from, lot.deferred_until = lot.status.value, deferral_due(utcnow()).due_at
    else:
        lot.deferred_from = lot.deferred_until = None
    await transition(session, lot, to, actor_user_id=user.id, reason=reason)
    await add_timeline(session, lot, TIMELINE[action], reason)
    court, _, prop = await records_of(session, lot)
    await publish(
        session,
        status_notice(kind, court, prop, reason, lot.deferred_until),
        court_id=court_id,
        case_id=case_id,
        lot_id=lot.id,
    )
    if action == "cancel":
        await _release_all_deposits(session, lot, case_id)
    await session.flush()


async def undo_in_engine(engine: BiddingEngine, lot_id: int, action: str) -> None:
    try:
        result = await getattr(engine, UNDO[action])(lot_id)
    except EngineUnavailable:
        log.error("lot %s: %s not recorded and not undone in the engine; the clock will", lot_id, action)
        return
    if not result.accepted:
        log.error(
            "lot %s: %s not recorded; undoing it in the engine was refused: %s", lot_id, action, result.code
        )


async def _release_all_deposits(session: AsyncSession, lot: Lot, case_id: int) -> None:
    frozen = await session.scalars(
        sa.select(Registration).where(
            Registration.lot_id == lot.id, Registration.deposit_status == DepositStatus.FROZEN
        )
    )
    for registration in frozen:
        await move_deposit(session, registration, DepositStatus.REFUNDED, case_id=case_id)
