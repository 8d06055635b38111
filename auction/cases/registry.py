"""Enforcement cases, their claims and seized property (court staff of the case's court)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts import identity
from auction.accounts.access import case_for_staff, require_court_staff
from auction.accounts.sealing import seal
from auction.enums import Category, TimelineKind
from auction.errors import Conflict, ValidationFailed
from auction.models import Claim, EnforcementCase, Property, TimelineEvent, User
from core.money import MAX_AMOUNT
from settlement.enums import ClaimKind, DebtorKind


@dataclass(frozen=True, slots=True)
class NewCase:
    case_number: str
    debtor_name: str
    debtor_kind: DebtorKind
    debtor_id_number: str | None


async def create_case(
    session: AsyncSession, user: User, new: NewCase, *, secret_key: str, lists_key: bytes | None = None
) -> EnforcementCase:
    """Register a case; with the lists key, the debtor's number is also sealed, so that a
    listing of this debtor can reach the partners that match on it."""
    court_id = require_court_staff(user)
    errors = {}
    if not 1 <= len(new.case_number.strip()) <= 64:
        errors["case_number"] = "required"
    if not 1 <= len(new.debtor_name.strip()) <= 200:
        errors["debtor.name"] = "required"
    if (
        new.debtor_id_number
        and new.debtor_kind is DebtorKind.NATURAL
        and not identity.is_valid(new.debtor_id_number)
    ):
        errors["debtor.id_number"] = "invalid_id_number"
    if errors:
        raise ValidationFailed("the case cannot be registered", fields=errors)
    taken = await session.scalar(
        sa.select(EnforcementCase.id).where(
            EnforcementCase.court_id == court_id, EnforcementCase.case_number == new.case_number.strip()
        )
    )
    if taken is not None:
        raise Conflict("this court already has a case with that number", code="case_exists")
    case = EnforcementCase(
        court_id=court_id,
        case_number=new.case_number.strip(),
        debtor_name=new.debtor_name.strip(),
        debtor_kind=new.debtor_kind,
        debtor_id_number_hash=identity.keyed_hash(new.debtor_id_number, secret_key)
        if new.debtor_id_number
        else None,
        debtor_id_number_masked=identity.mask(new.debtor_id_number) if new.debtor_id_number else None,
        debtor_id_number_sealed=seal(identity.normalize(new.debtor_id_number), lists_key)
        if new.debtor_id_number and lists_key
        else None,
    )
    session.add(case)
    await session.flush()
    session.add(TimelineEvent(case_id=case.id, kind=TimelineKind.REGISTERED, detail=case.case_number))
    await session.flush()
    return case


@dataclass(frozen=True, slots=True)
class NewClaim:
    creditor_name: str
    kind: ClaimKind
    amount: int
    creditor_user_id: int | None = None
    rank: int | None = None
    property_id: int | None = None
    seized_at: dt.datetime | None = None


async def add_claim(session: AsyncSession, user: User, case_id: int, new: NewClaim) -> Claim:
    case = await case_for_staff(session, user, case_id)
    errors = {}
    if not 1 <= len(new.creditor_name.strip()) <= 200:
        errors["creditor_name"] = "required"
    if not 0 < new.amount <= MAX_AMOUNT:
        errors["amount"] = "not_positive"
    if new.kind is ClaimKind.SECURED and (new.rank is None or new.rank < 1):
        errors["rank"] = "required_for_secured"
    elif new.rank is not None and new.rank < 1:
        errors["rank"] = "not_positive"
    if new.kind is ClaimKind.SECURED and new.property_id is None:
        errors["property_id"] = "required_for_secured"
    if new.seized_at is not None and new.seized_at.tzinfo is None:
        errors["seized_at"] = "timezone_required"
    if new.property_id is not None:
        owner = await session.scalar(sa.select(Property.case_id).where(Property.id == new.property_id))
        if owner != case.id:
            errors["property_id"] = "not_in_case"
    if new.creditor_user_id is not None and await session.get(User, new.creditor_user_id) is None:
        errors["creditor_user_id"] = "no_such_user"
    if errors:
        raise ValidationFailed("the claim cannot be recorded", fields=errors)
    case.updated_at = dt.datetime.now(dt.UTC)  # what is owed changed: exports pick it up
    claim = Claim(
        case_id=case.id,
        creditor_user_id=new.creditor_user_id,
        creditor_name=new.creditor_name.strip(),
        kind=new.kind,
        amount=new.amount,
        rank=new.rank,
        property_id=new.property_id,
        seized_at=new.seized_at,
    )
    session.add(claim)
    await session.flush()
    return claim


@dataclass(frozen=True, slots=True)
class NewProperty:
    case_id: int
    title: str
    category: Category
    description: str
    appraised_value: int


async def add_property(session: AsyncSession, user: User, new: NewProperty) -> Property:
    case = await case_for_staff(session, user, new.case_id)
    errors = {}
    if not 1 <= len(new.title.strip()) <= 300:
        errors["title"] = "required"
    if not 0 < new.appraised_value <= MAX_AMOUNT:
        errors["appraised_value"] = "not_positive"
    if len(new.description) > 20_000:
        errors["description"] = "too_long"
    if errors:
        raise ValidationFailed("the property cannot be recorded", fields=errors)
    prop = Property(
        case_id=case.id,
        title=new.title.strip(),
        category=new.category,
        description=new.description,
        appraised_value=new.appraised_value,
        seized_at=dt.datetime.now(dt.UTC),
    )
    session.add(prop)
    await session.flush()
    for kind in (TimelineKind.SEIZED, TimelineKind.APPRAISED):
        session.add(TimelineEvent(case_id=case.id, kind=kind, detail=prop.title))
    await session.flush()
    return prop
