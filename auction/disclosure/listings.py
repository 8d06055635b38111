"""The lists' whole life, by the court (RULES.md "The lists"): a case's debtor put on the dishonest
list with its ground and period; a consumption-restriction order naming the debtor and, for a
company, its people; removals with their reason — by the court, when the case is paid in full,
when a period runs out. Every listing and removal is a `ListChange` (the partners' feed) in the
same transaction, and a person listed while registered for real estate or a vehicle is taken out
of those lots at once (`eligibility.take_out_listed`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts import identity
from auction.accounts.access import case_for_staff, require_staff_of
from auction.accounts.sealing import seal
from auction.enums import DishonestGround, RemovalReason, RestrictedRole, Role, TimelineKind
from auction.errors import Conflict, Forbidden, NotFound, ValidationFailed
from auction.lots.eligibility import take_out_listed
from auction.models import (
    ConsumptionRestriction,
    Court,
    DishonestPerson,
    EnforcementCase,
    ListChange,
    TimelineEvent,
    User,
)
from bidding_engine.engine import BiddingEngine
from core.db import utcnow
from settlement.enums import DebtorKind

DISHONEST, RESTRICTED = "dishonest", "consumption_restricted"
DEFAULT_PERIOD_MONTHS = 24  # two years for every ground but "able but refuses"
MAX_PERIOD_MONTHS = 60  # extended by one to three years for serious or repeated conduct
COMPANY_ROLES = (
    RestrictedRole.LEGAL_REPRESENTATIVE,
    RestrictedRole.PRINCIPAL,
    RestrictedRole.RESPONSIBLE_PERSON,
    RestrictedRole.ACTUAL_CONTROLLER,
)


def period_error(ground: DishonestGround, months: int | None) -> str | None:
    """The listing rules' periods: none for able-but-refuses (until performed), otherwise 2
    years, extendable to 5 at most. Pure."""
    if ground is DishonestGround.ABLE_BUT_REFUSES:
        return None if months is None else "not_for_ground"
    if months is not None and not DEFAULT_PERIOD_MONTHS <= months <= MAX_PERIOD_MONTHS:
        return "out_of_range"
    return None


def _months_later(start: dt.datetime, months: int) -> dt.datetime:
    return start + dt.timedelta(days=round(months * 365.25 / 12))


def _change(
    op: str, which: str, entry_id: int, name: str, kind: str, masked: str, sealed: str | None, detail: str
) -> ListChange:
    return ListChange(
        op=op,
        list=which,
        entry_id=entry_id,
        name=name,
        kind=kind,
        id_number_masked=masked,
        id_number_sealed=sealed,
        detail=detail,
    )


def _node(session: AsyncSession, case_id: int | None, detail: str) -> None:
    """An enforcement measure on the case's timeline: the parties following it are told."""
    if case_id is not None:
        session.add(TimelineEvent(case_id=case_id, kind=TimelineKind.MEASURES, detail=detail))


async def list_dishonest(
    session: AsyncSession,
    engine: BiddingEngine,
    user: User,
    case_id: int,
    ground: DishonestGround,
    period_months: int | None,
) -> DishonestPerson:
    case = await case_for_staff(session, user, case_id, lock=True)
    if case.debtor_id_number_hash is None or case.debtor_id_number_masked is None:
        raise ValidationFailed(
            "the debtor's identity number or credit code is needed to list them",
            fields={"debtor.id_number": "required"},
        )
    error = period_error(ground, period_months)
    if error:
        raise ValidationFailed("the period does not fit the ground", fields={"period_months": error})
    court = await session.get(Court, case.court_id)
    assert court is not None
    entry = await session.scalar(
        sa.select(DishonestPerson)
        .where(
            DishonestPerson.id_number_hash == case.debtor_id_number_hash,
            DishonestPerson.case_number == case.case_number,
        )
        .with_for_update()
    )
    if entry is not None and entry.removed_at is None:
        raise Conflict("the debtor is on the list for this case already", code="already_listed")
    now = utcnow()
    months = None if ground is DishonestGround.ABLE_BUT_REFUSES else period_months or DEFAULT_PERIOD_MONTHS
    if entry is None:
        entry = DishonestPerson(
            name=case.debtor_name,
            kind=case.debtor_kind,
            id_number_hash=case.debtor_id_number_hash,
            id_number_masked=case.debtor_id_number_masked,
            court_name=court.name,
            case_number=case.case_number,
            obligation="",
        )
        session.add(entry)
    # Listed anew (a removed entry of the same case comes back with the new ground).
    entry.case_id, entry.ground, entry.listed_at = case.id, ground.value, now
    entry.expires_at = _months_later(now, months) if months else None
    entry.removed_at = entry.removal_reason = None
    entry.id_number_sealed = case.debtor_id_number_sealed
    entry.updated_at = now
    await session.flush()
    session.add(
        _change(
            "listed",
            DISHONEST,
            entry.id,
            entry.name,
            entry.kind.value,
            entry.id_number_masked,
            entry.id_number_sealed,
            ground.value,
        )
    )
    _node(session, case.id, f"dishonest_listed:{ground.value}")
    await take_out_listed(session, engine, entry.id_number_hash, "dishonest_person")
    await session.flush()
    return entry


@dataclass(frozen=True, slots=True)
class RestrictedPerson:
    name: str
    id_number: str
    role: RestrictedRole


async def restrict(
    session: AsyncSession,
    engine: BiddingEngine,
    user: User,
    case_id: int,
    persons: Sequence[RestrictedPerson],
    *,
    secret_key: str,
    lists_key: bytes,
) -> list[ConsumptionRestriction]:
    """A consumption-restriction order (限制消费令): the debtor and, for a company, the people
    the court names; each is an entry of its own, restricted in its own right."""
    case = await case_for_staff(session, user, case_id, lock=True)
    errors: dict[str, str] = {}
    if case.debtor_id_number_hash is None or case.debtor_id_number_masked is None:
        errors["debtor.id_number"] = "required"
    if persons and case.debtor_kind is not DebtorKind.LEGAL:
        errors["persons"] = "only_for_a_company"
    for n, person in enumerate(persons):
        if not person.name.strip() or len(person.name) > 200:
            errors[f"persons.{n}.name"] = "required"
        if not identity.is_valid(person.id_number):
            errors[f"persons.{n}.id_number"] = "invalid_id_number"
        if person.role not in COMPANY_ROLES:
            errors[f"persons.{n}.role"] = "invalid_choice"
    if errors:
        raise ValidationFailed("the order cannot be made", fields=errors)
    assert case.debtor_id_number_hash is not None and case.debtor_id_number_masked is not None
    court = await session.get(Court, case.court_id)
    assert court is not None
    rows = [
        ConsumptionRestriction(
            case_id=case.id,
            case_number=case.case_number,
            court_name=court.name,
            subject_name=case.debtor_name,
            name=case.debtor_name,
            role=RestrictedRole.SUBJECT,
            id_number_hash=case.debtor_id_number_hash,
            id_number_masked=case.debtor_id_number_masked,
            id_number_sealed=case.debtor_id_number_sealed,
        )
    ]
    for person in persons:
        number = identity.normalize(person.id_number)
        rows.append(
            ConsumptionRestriction(
                case_id=case.id,
                case_number=case.case_number,
                court_name=court.name,
                subject_name=case.debtor_name,
                name=person.name.strip(),
                role=person.role,
                id_number_hash=identity.keyed_hash(number, secret_key),
                id_number_masked=identity.mask(number),
                id_number_sealed=seal(number, lists_key),
            )
        )
    session.add_all(rows)
    await session.flush()
    for row in rows:
        kind = case.debtor_kind.value if row.role is RestrictedRole.SUBJECT else DebtorKind.NATURAL.value
        session.add(
            _change(
                "listed",
                RESTRICTED,
                row.id,
                row.name,
                kind,
                row.id_number_masked,
                row.id_number_sealed,
                row.role.value,
            )
        )
        await take_out_listed(session, engine, row.id_number_hash, "consumption_restricted")
    _node(session, case.id, f"consumption_restricted:{len(rows)}")
    await session.flush()
    return rows


async def _court_may_remove(session: AsyncSession, user: User, case_id: int | None) -> None:
    if case_id is None:
        # An imported entry has no case here: the platform's operators answer for it.
        if user.role is not Role.ADMIN:
            raise Forbidden("an imported entry is removed by the platform's operators")
        return
    case = await session.get(EnforcementCase, case_id)
    assert case is not None
    require_staff_of(user, case.court_id)


async def remove_dishonest(
    session: AsyncSession, user: User | None, entry_id: int, reason: RemovalReason
) -> DishonestPerson:
    """`user` None: the platform removes it on the law's own terms (paid in full, expired)."""
    entry = await session.get(DishonestPerson, entry_id, with_for_update=True)
    if entry is None:
        raise NotFound("no such entry")
    if user is not None:
        await _court_may_remove(session, user, entry.case_id)
    if entry.removed_at is not None:
        raise Conflict("the entry was removed already", code="already_removed")
    now = utcnow()
    entry.removed_at, entry.removal_reason, entry.updated_at = now, reason.value, now
    session.add(
        _change(
            "removed",
            DISHONEST,
            entry.id,
            entry.name,
            entry.kind.value,
            entry.id_number_masked,
            entry.id_number_sealed,
            reason.value,
        )
    )
    _node(session, entry.case_id, f"dishonest_removed:{reason.value}")
    await session.flush()
    return entry


async def remove_restriction(
    session: AsyncSession, user: User | None, entry_id: int, reason: RemovalReason
) -> ConsumptionRestriction:
    entry = await session.get(ConsumptionRestriction, entry_id, with_for_update=True)
    if entry is None:
        raise NotFound("no such entry")
    if user is not None:
        await _court_may_remove(session, user, entry.case_id)
    if entry.lifted_at is not None:
        raise Conflict("the entry was removed already", code="already_removed")
    entry.lifted_at, entry.removal_reason = utcnow(), reason.value
    kind = await _restricted_kind(session, entry)
    session.add(
        _change(
            "removed",
            RESTRICTED,
            entry.id,
            entry.name,
            kind,
            entry.id_number_masked,
            entry.id_number_sealed,
            reason.value,
        )
    )
    _node(session, entry.case_id, f"consumption_restriction_removed:{reason.value}")
    await session.flush()
    return entry


async def _restricted_kind(session: AsyncSession, entry: ConsumptionRestriction) -> str:
    """A company's people are natural persons; the subject is what the case's debtor is."""
    if entry.role is not RestrictedRole.SUBJECT or entry.case_id is None:
        return DebtorKind.NATURAL.value
    case = await session.get(EnforcementCase, entry.case_id)
    assert case is not None
    return case.debtor_kind.value


async def case_performed(session: AsyncSession, case_id: int) -> int:
    """The case's claims are paid in full: its entries leave both lists (`performed`)."""
    removed = 0
    for entry_id in await session.scalars(
        sa.select(DishonestPerson.id).where(
            DishonestPerson.case_id == case_id, DishonestPerson.removed_at.is_(None)
        )
    ):
        await remove_dishonest(session, None, entry_id, RemovalReason.PERFORMED)
        removed += 1
    for entry_id in await session.scalars(
        sa.select(ConsumptionRestriction.id).where(
            ConsumptionRestriction.case_id == case_id, ConsumptionRestriction.lifted_at.is_(None)
        )
    ):
        await remove_restriction(session, None, entry_id, RemovalReason.PERFORMED)
        removed += 1
    return removed


def expiring(now: dt.datetime) -> sa.Select[int]:
    """The entries whose period has run out (migration 0015's partial index answers it)."""
    return sa.select(DishonestPerson.id).where(
        DishonestPerson.removed_at.is_(None), DishonestPerson.expires_at <= now
    )


async def expire_due(session: AsyncSession, now: dt.datetime) -> int:
    """Entries whose period has run out leave the list (the rules allow three working days;
    the clock does it within a minute)."""
    due = list(await session.scalars(expiring(now)))
    for entry_id in due:
        await remove_dishonest(session, None, entry_id, RemovalReason.EXPIRED)
    return len(due)
