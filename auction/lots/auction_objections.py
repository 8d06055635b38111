"""Objections to an act of the auction (the Provisions art. 36): a party of the case, a priority
holder of the lot or a registered bidder files one, with documents; the court may defer the lot
while it decides (`control_lot(..., "defer")`), then upholds or dismisses it with its reason.
Each step is a node on the case's timeline, so the parties following the case are notified,
and the objector reads the decision on their own page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import court_of_lot, lot_for_staff
from auction.cases.files import store_attachment
from auction.enums import LotStatus, TimelineKind
from auction.errors import Conflict, Forbidden, NotFound, ValidationFailed
from auction.lots.transitions import add_timeline
from auction.models import AuctionObjection, EnforcementCase, PriorityHolder, Registration, User
from auction.notifications.subscriptions import is_party
from core.db import utcnow

MAX_DOCUMENTS = 5
DECISIONS = ("upheld", "dismissed")


async def standing_of(session: AsyncSession, user: User, lot_id: int, case: EnforcementCase) -> str | None:
    """Why this user may object to the auction of the lot, or None: a party, a priority holder,
    a registered bidder (in that order: a creditor who also registered objects as a party)."""
    if await is_party(session, user, case):
        return "party"
    holder = await session.scalar(
        sa.select(PriorityHolder.id).where(PriorityHolder.lot_id == lot_id, PriorityHolder.user_id == user.id)
    )
    if holder is not None:
        return "priority_holder"
    registered = await session.scalar(
        sa.select(Registration.id).where(Registration.lot_id == lot_id, Registration.user_id == user.id)
    )
    return "bidder" if registered is not None else None


async def file_objection(session: AsyncSession, user: User, lot_id: int, reason: str) -> AuctionObjection:
    lot, case_id, _ = await court_of_lot(session, lot_id)
    case = await session.get(EnforcementCase, case_id)
    assert case is not None
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("say what the objection is to", fields={"reason": "required"})
    if len(reason) > 5_000:
        raise ValidationFailed("the objection is too long", fields={"reason": "too_long"})
    if lot.status in (LotStatus.DRAFT, LotStatus.CANCELLED, LotStatus.DELIVERED):
        raise Conflict(f"a {lot.status.value} lot takes no objection to its auction", code="invalid_status")
    standing = await standing_of(session, user, lot.id, case)
    if standing is None:
        raise Forbidden("only a party, a priority holder or a registered bidder may object (art. 36)")
    objection = AuctionObjection(lot_id=lot.id, user_id=user.id, standing=standing, reason=reason)
    session.add(objection)
    await session.flush()
    await add_timeline(session, lot, TimelineKind.AUCTION_OBJECTION, f"objection {objection.id} ({standing})")
    return objection


async def add_document(
    session: AsyncSession, user: User, objection_id: int, content: bytes, *, data_dir: Path
) -> AuctionObjection:
    """One more document for an undecided objection, by its objector."""
    objection = await session.get(AuctionObjection, objection_id, with_for_update=True)
    if objection is None or objection.user_id != user.id:
        raise NotFound("no such objection of yours")
    if objection.status != "filed":
        raise Conflict("the objection is decided", code="invalid_status")
    if len(objection.document_names) >= MAX_DOCUMENTS:
        raise ValidationFailed(f"at most {MAX_DOCUMENTS} documents", fields={"file": "too_many"})
    stored = await store_attachment(data_dir, content)
    objection.document_names = [*objection.document_names, stored]
    await session.flush()
    return objection


async def decide_objection(
    session: AsyncSession, user: User, objection_id: int, decision: str, reason: str
) -> AuctionObjection:
    objection = await session.get(AuctionObjection, objection_id, with_for_update=True)
    if objection is None:
        raise NotFound("no such objection")
    lot, _, _ = await lot_for_staff(session, user, objection.lot_id)
    if decision not in DECISIONS:
        raise ValidationFailed("upheld or dismissed", fields={"decision": "invalid_choice"})
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("a decision states its reason", fields={"reason": "required"})
    if objection.status != "filed":
        raise Conflict("the objection is decided already", code="invalid_status")
    objection.status, objection.decision = decision, reason
    objection.decided_by, objection.decided_at = user.id, utcnow()
    await add_timeline(
        session, lot, TimelineKind.AUCTION_OBJECTION_DECIDED, f"objection {objection.id}: {decision}"
    )
    await session.flush()
    return objection


class ObjectionView(msgspec.Struct, frozen=True):
    id: int
    lot_id: int
    standing: str
    reason: str
    status: str
    decision: str
    documents: list[str]
    filed_at: dt.datetime
    decided_at: dt.datetime | None
    objector: str | None = None  # the court sees who objected; the objector knows


def view_of(objection: AuctionObjection, objector: str | None = None) -> ObjectionView:
    return ObjectionView(
        objection.id,
        objection.lot_id,
        objection.standing,
        objection.reason,
        objection.status,
        objection.decision,
        [f"/files/{name}" for name in objection.document_names],
        objection.created_at,
        objection.decided_at,
        objector,
    )


async def lot_objections(session: AsyncSession, user: User, lot_id: int) -> list[ObjectionView]:
    """The court's list for one lot, oldest first."""
    await lot_for_staff(session, user, lot_id)
    return await objections_of(session, lot_id)


async def objections_of(session: AsyncSession, lot_id: int) -> list[ObjectionView]:
    """Precondition: the reader is the lot's court."""
    rows = await session.execute(
        sa.select(AuctionObjection, User.real_name)
        .join(User, User.id == AuctionObjection.user_id)
        .where(AuctionObjection.lot_id == lot_id)
        .order_by(AuctionObjection.id)
    )
    return [view_of(objection, name) for objection, name in rows]


async def my_objections(session: AsyncSession, user: User, lot_id: int | None = None) -> list[ObjectionView]:
    query = sa.select(AuctionObjection).where(AuctionObjection.user_id == user.id)
    if lot_id is not None:
        query = query.where(AuctionObjection.lot_id == lot_id)
    return [view_of(o) for o in await session.scalars(query.order_by(AuctionObjection.id.desc()))]
