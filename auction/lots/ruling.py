"""The sale ruling (成交裁定) and the hand-over (交付): the court rules within 10 days after the
price is paid in full, ownership passes when the ruling is served, and the property is handed
over within 15 days after it (RULES.md "After the hammer"). Late ones are shown to the court
(`deadlines_of`), never done by the platform on its own: each is the court's act.

The ruling is served on the platform when it is issued: on the buyer's page, to every party
following the case through the notifier (the timeline node), and in public as a notice.
"""

from __future__ import annotations

import datetime as dt

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import lot_for_staff
from auction.deadlines import Deadline, handover_due, ruling_due
from auction.disclosure.notices import publish, records_of
from auction.disclosure.ruling_documents import ruling_notice, ruling_of
from auction.enums import LotStatus, TimelineKind
from auction.errors import Conflict
from auction.lots.transitions import add_timeline, transition
from auction.models import EnforcementCase, Lot, LotTransition, Property, User
from core.db import utcnow


def ruling_url(lot_id: int) -> str:
    return f"/lots/{lot_id}/ruling"


async def issue_ruling(session: AsyncSession, user: User, lot_id: int) -> Lot:
    lot, case_id, court_id = await lot_for_staff(session, user, lot_id)
    if lot.status is not LotStatus.SETTLED:
        raise Conflict(
            f"a sale is ruled on once the price is paid in full; this lot is {lot.status.value}",
            code="invalid_status",
        )
    if lot.purchase_restriction and lot.qualified is not True:
        # The buyer's qualification under the purchase limit is checked before the ruling.
        raise Conflict("record the buyer's purchase-limit check first", code="qualification_pending")
    now = utcnow()
    lot.ruled_at = lot.ruling_served_at = now
    await transition(session, lot, LotStatus.RULED, actor_user_id=user.id)
    await add_timeline(session, lot, TimelineKind.RULED, ruling_url(lot.id))
    await session.flush()
    notice = ruling_notice(await ruling_of(session, lot.id), ruling_url(lot.id))
    await publish(session, notice, court_id=court_id, case_id=case_id, lot_id=lot.id)
    return lot


async def record_handover(session: AsyncSession, user: User, lot_id: int) -> Lot:
    lot, _, _ = await lot_for_staff(session, user, lot_id)
    if lot.status is not LotStatus.RULED:
        raise Conflict(
            f"the property is handed over after the ruling; this lot is {lot.status.value}",
            code="invalid_status",
        )
    lot.delivered_at = utcnow()
    await transition(session, lot, LotStatus.DELIVERED, actor_user_id=user.id)
    court, _, prop = await records_of(session, lot)
    await add_timeline(session, lot, TimelineKind.DELIVERED, f"{prop.title} → {court.name}")
    await session.flush()
    return lot


class DeadlineRow(msgspec.Struct, frozen=True):
    """A court act after the hammer that is due, for the console: overdue ones first."""

    lot_id: int
    title: str
    what: str  # ruling | handover | deferral
    due_at: dt.datetime
    overdue: bool
    near: bool = False  # within a day of it: a deferral must be resumed or converted by then


async def _paid_at(session: AsyncSession, lot_ids: list[int]) -> dict[int, dt.datetime]:
    rows = await session.execute(
        sa.select(LotTransition.lot_id, sa.func.max(LotTransition.at))
        .where(LotTransition.lot_id.in_(lot_ids), LotTransition.to_status == LotStatus.SETTLED)
        .group_by(LotTransition.lot_id)
    )
    return {lot_id: at for lot_id, at in rows}


async def deadlines_of(session: AsyncSession, court_id: int, now: dt.datetime) -> list[DeadlineRow]:
    """What the court owes after the hammer: rulings on paid lots, hand-overs after rulings, and
    deferrals that must be resumed or converted."""
    lots = (
        await session.execute(
            sa.select(Lot, Property.title)
            .join(Property, Property.id == Lot.property_id)
            .join(EnforcementCase, EnforcementCase.id == Property.case_id)
            .where(
                EnforcementCase.court_id == court_id,
                Lot.status.in_((LotStatus.SETTLED, LotStatus.RULED, LotStatus.DEFERRED)),
            )
        )
    ).all()
    paid = await _paid_at(session, [lot.id for lot, _ in lots if lot.status is LotStatus.SETTLED])
    found: list[DeadlineRow] = []
    for lot, title in lots:
        deadline: Deadline | None = None
        if lot.status is LotStatus.SETTLED and lot.id in paid:
            deadline = ruling_due(paid[lot.id])
        elif lot.status is LotStatus.RULED and lot.ruled_at is not None:
            deadline = handover_due(lot.ruled_at)
        elif lot.status is LotStatus.DEFERRED and lot.deferred_until is not None:
            deadline = Deadline("deferral", lot.deferred_until)
        if deadline is not None:
            row = DeadlineRow(
                lot.id, title, deadline.what, deadline.due_at, deadline.overdue(now), deadline.near(now)
            )
            found.append(row)
    return sorted(found, key=lambda row: (not row.overdue, row.due_at))
