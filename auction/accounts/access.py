"""Who may act on what. Every service that changes a court's records calls one of these first."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import Role
from auction.errors import Forbidden, NotFound
from auction.models import EnforcementCase, Lot, Property, User


def require_staff_of(user: User, court_id: int) -> None:
    """Court staff act only on their own court's cases; admins on every court's."""
    if user.role is Role.ADMIN or (user.role is Role.COURT_STAFF and user.court_id == court_id):
        return
    raise Forbidden("only staff of the court handling this case may do this")


def require_court_staff(user: User) -> int:
    """The acting staff member's court (creating a case needs a court of one's own)."""
    if user.role is not Role.COURT_STAFF or user.court_id is None:
        raise Forbidden("only court staff may do this")
    return user.court_id


def require_bidder(user: User) -> None:
    if user.role is not Role.BIDDER:
        raise Forbidden(
            "only bidder accounts take part in auctions", code="ineligible", fields={"reason": "role"}
        )


async def case_for_staff(
    session: AsyncSession, user: User, case_id: int, *, lock: bool = False
) -> EnforcementCase:
    query = sa.select(EnforcementCase).where(EnforcementCase.id == case_id)
    case = await session.scalar(query.with_for_update() if lock else query)
    if case is None:
        raise NotFound("no such case")
    require_staff_of(user, case.court_id)
    return case


async def court_of_lot(session: AsyncSession, lot_id: int) -> tuple[Lot, int, int]:
    """The lot (row-locked), its case id and its court id."""
    row = (
        await session.execute(
            sa.select(Lot, EnforcementCase.id, EnforcementCase.court_id)
            .join(Property, Property.id == Lot.property_id)
            .join(EnforcementCase, EnforcementCase.id == Property.case_id)
            .where(Lot.id == lot_id)
            .with_for_update(of=Lot)
        )
    ).first()
    if row is None:
        raise NotFound("no such lot")
    return row[0], row[1], row[2]


async def lot_for_staff(session: AsyncSession, user: User, lot_id: int) -> tuple[Lot, int, int]:
    lot, case_id, court_id = await court_of_lot(session, lot_id)
    require_staff_of(user, court_id)
    return lot, case_id, court_id
