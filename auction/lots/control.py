"""The court's control of a published lot: suspend (中止), resume or cancel (撤回) it, in the
engine too when it holds the lot, with the transition, the timeline node and the public notice."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import lot_for_staff
from auction.disclosure.notices import publish, records_of
from auction.disclosure.texts import status_notice
from auction.enums import AnnouncementKind, DepositStatus, LotStatus, TimelineKind
from auction.errors import Conflict
from auction.lots.deposits import move_deposit
from auction.lots.transitions import add_timeline, transition
from auction.models import (
    Lot,
    Registration,
    User,
)
from bidding_engine.engine import BiddingEngine

CONTROL = {
    "suspend": ((LotStatus.ANNOUNCED, LotStatus.LIVE), LotStatus.SUSPENDED, AnnouncementKind.SUSPENSION),
    "resume": ((LotStatus.SUSPENDED,), None, AnnouncementKind.RESUMPTION),
    "cancel": (
        (LotStatus.ANNOUNCED, LotStatus.LIVE, LotStatus.SUSPENDED),
        LotStatus.CANCELLED,
        AnnouncementKind.CANCELLATION,
    ),
}


async def control_lot(
    session: AsyncSession, engine: BiddingEngine, user: User, lot_id: int, action: str, reason: str = ""
) -> Lot:
    """Suspend (中止), resume or cancel (撤回) a lot, in the engine too when it is there."""
    allowed_from, to, kind = CONTROL[action]
    lot, case_id, court_id = await lot_for_staff(session, user, lot_id)
    if lot.status not in allowed_from:
        raise Conflict(f"a {lot.status.value} lot cannot be {action}ed", code="invalid_status")
    in_engine = await engine.snapshot(lot.id) is not None
    if action == "resume":
        # Back to where it was suspended from: live if the engine holds it, else announced.
        to = LotStatus.LIVE if in_engine else LotStatus.ANNOUNCED
    if in_engine:
        result = await getattr(engine, action)(lot.id)
        if not result.accepted:
            raise Conflict(
                f"the engine refused to {action}: {result.code}", code=result.code or "invalid_status"
            )
    assert to is not None
    await transition(session, lot, to, actor_user_id=user.id, reason=reason)
    timeline = {
        "suspend": TimelineKind.SUSPENDED,
        "resume": TimelineKind.RESUMED,
        "cancel": TimelineKind.CANCELLED,
    }
    await add_timeline(session, lot, timeline[action], reason)
    court, _, prop = await records_of(session, lot)
    await publish(
        session, status_notice(kind, court, prop, reason), court_id=court_id, case_id=case_id, lot_id=lot.id
    )
    if action == "cancel":
        await _release_all_deposits(session, lot, case_id)
    return lot


async def _release_all_deposits(session: AsyncSession, lot: Lot, case_id: int) -> None:
    frozen = await session.scalars(
        sa.select(Registration).where(
            Registration.lot_id == lot.id, Registration.deposit_status == DepositStatus.FROZEN
        )
    )
    for registration in frozen:
        await move_deposit(session, registration, DepositStatus.REFUNDED, case_id=case_id)
