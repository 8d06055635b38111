"""What a bidder reads of their own registrations: the one on a lot's page (or the one they bid
under as a confirmed agent) and the list of "my auctions"."""

from __future__ import annotations

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import SOLD_OUTCOMES, LotStatus
from auction.lots.agents import represented_registration
from auction.models import Lot, Payment, Property, Registration, User


class OwnRegistration(msgspec.Struct, frozen=True):
    """A bidder's own registration for one lot, as their lot page shows it."""

    registration_id: int
    bidder_code: str
    deposit_status: str
    payment_id: str | None
    as_agent: bool = False  # the user bids as the court-confirmed agent of this registration


async def own_registration(session: AsyncSession, user: User, lot_id: int) -> OwnRegistration | None:
    """The user's registration for the lot, or the one they bid under as a confirmed agent."""
    query = sa.select(Registration, Payment.public_id).outerjoin(
        Payment, Payment.registration_id == Registration.id
    )
    row = (
        await session.execute(query.where(Registration.lot_id == lot_id, Registration.user_id == user.id))
    ).first()
    as_agent = False
    if row is None:
        represented = await represented_registration(session, user.id, lot_id)
        if represented is None:
            return None
        row = (await session.execute(query.where(Registration.id == represented))).first()
        as_agent = True
    assert row is not None
    registration, payment_id = row
    return OwnRegistration(
        registration.id, registration.bidder_code, registration.deposit_status.value, payment_id, as_agent
    )


class DepositView(msgspec.Struct, frozen=True):
    amount: int
    status: str
    payment_id: str | None


class MyRegistration(msgspec.Struct, frozen=True):
    """One line of "my auctions": the lot, the bidder's code and deposit, and how it ended."""

    registration_id: int
    lot_id: int
    title: str
    bidder_code: str
    priority_rank: int | None
    lot_status: str
    deposit: DepositView
    outcome: str | None  # won | lost | failed | cancelled, once the lot has one
    result_price: int | None  # the price the bidder won at


def _outcome(lot: Lot, registration: Registration) -> str | None:
    if lot.status in SOLD_OUTCOMES:
        return "won" if lot.winner_registration_id == registration.id else "lost"
    if lot.status in (LotStatus.FAILED, LotStatus.CANCELLED):
        return lot.status.value
    return None


async def my_registrations(session: AsyncSession, user: User) -> list[MyRegistration]:
    rows = await session.execute(
        sa.select(Registration, Lot, Property.title, Payment.public_id)
        .join(Lot, Lot.id == Registration.lot_id)
        .join(Property, Property.id == Lot.property_id)
        .outerjoin(Payment, Payment.registration_id == Registration.id)
        .where(Registration.user_id == user.id)
        .order_by(Registration.id.desc())
    )
    result = []
    for registration, lot, title, payment_id in rows:
        outcome = _outcome(lot, registration)
        result.append(
            MyRegistration(
                registration.id,
                lot.id,
                title,
                registration.bidder_code,
                registration.priority_rank,
                lot.status.value,
                DepositView(registration.deposit_amount, registration.deposit_status.value, payment_id),
                outcome,
                lot.result_price if outcome == "won" else None,
            )
        )
    return result
