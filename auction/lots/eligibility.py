"""Who may bid on a lot, by identity (never by account): the persons the court bars (art. 34),
the court's own staff and the platform's operators under any account, and the lists that bar
real estate and vehicles. The court bars a person here; one found already registered is taken
out of the engine at once, their deposit released, and the case's timeline says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts import identity
from auction.accounts.access import lot_for_staff
from auction.enums import (
    HALTED_STATUSES,
    BarRelation,
    DepositStatus,
    LotStatus,
    RestrictedRole,
    Role,
    TimelineKind,
)
from auction.errors import Conflict, ValidationFailed
from auction.lots.deposits import move_deposit
from auction.lots.transitions import add_timeline
from auction.models import (
    BarredPerson,
    ConsumptionRestriction,
    DishonestPerson,
    EnforcementCase,
    Lot,
    Property,
    Registration,
    User,
)
from auction.rules import LIST_BARRED_CATEGORIES
from bidding_engine.engine import BiddingEngine
from core.db import utcnow

# Bars are entered until the sale is decided; after it, the close has checked them once more.
OPEN_FOR_BARS = (LotStatus.DRAFT, LotStatus.ANNOUNCED, LotStatus.LIVE, *HALTED_STATUSES)
IN_THE_ENGINE = (LotStatus.LIVE, *HALTED_STATUSES)
CONFLICT = "conflict_of_interest"


async def has_conflict(session: AsyncSession, identity_hash: str | None, lot_id: int, court_id: int) -> bool:
    """Barred for the lot or the whole court, or an identity the court's staff or the platform's
    operators hold (art. 34)."""
    if identity_hash is None:
        return False
    barred = await session.scalar(
        sa.select(BarredPerson.id)
        .where(
            BarredPerson.id_number_hash == identity_hash,
            BarredPerson.court_id == court_id,
            sa.or_(BarredPerson.lot_id.is_(None), BarredPerson.lot_id == lot_id),
        )
        .limit(1)
    )
    if barred is not None:
        return True
    insider = await session.scalar(
        sa.select(User.id)
        .where(
            User.id_number_hash == identity_hash,
            sa.or_(
                User.role == Role.ADMIN, sa.and_(User.role == Role.COURT_STAFF, User.court_id == court_id)
            ),
        )
        .limit(1)
    )
    return insider is not None


async def on_dishonest_list(session: AsyncSession, identity_hash: str | None) -> bool:
    if identity_hash is None:
        return False
    found = await session.scalar(
        sa.select(DishonestPerson.id)
        .where(DishonestPerson.id_number_hash == identity_hash, DishonestPerson.removed_at.is_(None))
        .limit(1)
    )
    return found is not None


async def consumption_restricted(session: AsyncSession, identity_hash: str | None) -> bool:
    if identity_hash is None:
        return False
    found = await session.scalar(
        sa.select(ConsumptionRestriction.id)
        .where(
            ConsumptionRestriction.id_number_hash == identity_hash, ConsumptionRestriction.lifted_at.is_(None)
        )
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True, slots=True)
class NewRestriction:
    """One consumption-restriction entry (the list's own API comes with the lists' issue)."""

    case_number: str
    court_name: str
    subject_name: str
    name: str
    id_number: str
    role: RestrictedRole = RestrictedRole.SUBJECT


async def restrict_consumption(
    session: AsyncSession, new: NewRestriction, *, secret_key: str
) -> ConsumptionRestriction:
    number = identity.normalize(new.id_number)
    row = ConsumptionRestriction(
        case_number=new.case_number,
        court_name=new.court_name,
        subject_name=new.subject_name,
        name=new.name,
        role=new.role,
        id_number_hash=identity.keyed_hash(number, secret_key),
        id_number_masked=identity.mask(number),
    )
    session.add(row)
    await session.flush()
    return row


@dataclass(frozen=True, slots=True)
class NewBar:
    name: str
    id_number: str
    relation: BarRelation
    court_wide: bool = False


@dataclass(frozen=True, slots=True)
class Barring:
    """A bar entered, and the registrations it made ineligible (the court is told of each)."""

    barred: BarredPerson
    ineligible: list[Registration]


def _checked(new: NewBar) -> str:
    errors = {}
    if not new.name.strip() or len(new.name) > 100:
        errors["name"] = "required" if not new.name.strip() else "too_long"
    number = identity.normalize(new.id_number)
    if not identity.is_valid(number):
        errors["id_number"] = "invalid_id_number"
    if errors:
        raise ValidationFailed("the barred person is not valid", fields=errors)
    return number


async def bar_person(
    session: AsyncSession, engine: BiddingEngine, user: User, lot_id: int, new: NewBar, *, secret_key: str
) -> Barring:
    """Bar a person from the lot (or every lot of its court). Anyone of that identity already
    registered is out of the engine before this commits (so no bid of theirs lands after the
    court's decision), their deposit released, their registration marked, and a node on the
    case's timeline names the bidder code (the console shows it; subscribers are notified)."""
    lot, _, court_id = await lot_for_staff(session, user, lot_id)
    if lot.status not in OPEN_FOR_BARS:
        raise Conflict("the sale of this lot is decided; bars are entered before it", code="invalid_status")
    number = _checked(new)
    digest = identity.keyed_hash(number, secret_key)
    barred = BarredPerson(
        court_id=court_id,
        lot_id=None if new.court_wide else lot.id,
        name=new.name.strip(),
        id_number_hash=digest,
        id_number_masked=identity.mask(number),
        relation=new.relation,
        created_by=user.id,
    )
    session.add(barred)
    await session.flush()
    lots = _open_lots().where(EnforcementCase.court_id == court_id)
    if not new.court_wide:
        lots = lots.where(Lot.id == lot.id)
    ineligible = await _take_out(session, engine, digest, lots, CONFLICT)
    if ineligible:
        await _tell_the_court(session, ineligible, CONFLICT)
    return Barring(barred, ineligible)


def _open_lots() -> sa.Select[int]:
    return (
        sa.select(Lot.id)
        .join(Property, Property.id == Lot.property_id)
        .join(EnforcementCase, EnforcementCase.id == Property.case_id)
        .where(Lot.status.in_(OPEN_FOR_BARS))
    )


async def take_out_listed(
    session: AsyncSession, engine: BiddingEngine, digest: str, reason: str
) -> list[Registration]:
    """A person listed (dishonest, restricted) after registering: out of every open real-estate
    and vehicle lot at once, as if refused at registration (`reason`), the court told."""
    lots = _open_lots().where(Property.category.in_(LIST_BARRED_CATEGORIES))
    ineligible = await _take_out(session, engine, digest, lots, reason)
    if ineligible:
        await _tell_the_court(session, ineligible, reason)
    return ineligible


async def _take_out(
    session: AsyncSession, engine: BiddingEngine, digest: str, lots: sa.Select[int], reason: str
) -> list[Registration]:
    rows = (
        await session.execute(
            sa.select(Registration, Lot.status, Property.case_id)
            .join(Lot, Lot.id == Registration.lot_id)
            .join(Property, Property.id == Lot.property_id)
            .where(
                Registration.identity_hash == digest,
                Registration.lot_id.in_(lots),
                Registration.ineligible_reason.is_(None),
            )
            .with_for_update(of=Registration)
        )
    ).all()
    taken = []
    for registration, status, case_id in rows:
        if status in IN_THE_ENGINE:
            await engine.unregister(registration.lot_id, registration.id)
        registration.ineligible_reason, registration.ineligible_at = reason, utcnow()
        if registration.deposit_status is DepositStatus.FROZEN:
            await move_deposit(session, registration, DepositStatus.REFUNDED, case_id=case_id)
        taken.append(registration)
    await session.flush()
    return taken


async def _tell_the_court(session: AsyncSession, ineligible: list[Registration], reason: str) -> None:
    """A node on each case's timeline: the court's console shows it, subscribers are notified."""
    for registration in ineligible:
        lot = await session.get(Lot, registration.lot_id)
        assert lot is not None
        await add_timeline(session, lot, TimelineKind.BIDDER_BARRED, f"{registration.bidder_code} ({reason})")
    await session.flush()
