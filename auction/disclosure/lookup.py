"""A case's progress for its parties: found by case number and identity number (the public
look-up), or opened by a signed-in party; every node of the case in order."""

from __future__ import annotations

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts import identity
from auction.accounts.access import require_staff_of
from auction.enums import Role
from auction.errors import NotFound
from auction.models import (
    Claim,
    EnforcementCase,
    TimelineEvent,
    User,
)


async def lookup_case(
    session: AsyncSession, case_number: str, id_number: str, secret_key: str
) -> EnforcementCase:
    """The case whose debtor, or one of whose creditors, has this identity number. Any mismatch
    is the same NotFound: the answer never tells whether the case exists."""
    refusal = NotFound("no case matches this case number and identity number")
    if not identity.is_valid(id_number) or not 1 <= len(case_number.strip()) <= 64:
        raise refusal
    digest = identity.keyed_hash(id_number, secret_key)
    creditor = sa.exists().where(
        Claim.case_id == EnforcementCase.id, Claim.creditor_user_id == User.id, User.id_number_hash == digest
    )
    case = await session.scalar(
        sa.select(EnforcementCase).where(
            EnforcementCase.case_number == case_number.strip(),
            sa.or_(EnforcementCase.debtor_id_number_hash == digest, creditor),
        )
    )
    if case is None:
        raise refusal
    return case


class TimelineNode(msgspec.Struct, frozen=True):
    kind: str
    at: str
    lot_id: int | None
    detail: str


class CaseTimeline(msgspec.Struct, frozen=True):
    case_id: int
    case_number: str
    status: str
    events: list[TimelineNode]


async def case_timeline(session: AsyncSession, user: User, case_id: int) -> CaseTimeline:
    """Every node of a case in order, for its parties: the court, its creditors, its debtor."""
    case = await session.get(EnforcementCase, case_id)
    if case is None:
        raise NotFound("no such case")
    is_creditor = await session.scalar(
        sa.select(Claim.id).where(Claim.case_id == case_id, Claim.creditor_user_id == user.id).limit(1)
    )
    is_debtor = case.debtor_user_id == user.id or (
        case.debtor_id_number_hash is not None and case.debtor_id_number_hash == user.id_number_hash
    )
    if not (is_creditor or is_debtor):
        if user.role is Role.BIDDER:
            raise NotFound("no such case")  # a stranger learns nothing, not even that it exists
        require_staff_of(user, case.court_id)
    return await timeline(session, case.id)


async def timeline(session: AsyncSession, case_id: int) -> CaseTimeline:
    """Every node of the case in order. Precondition: the caller may see this case."""
    case = await session.get(EnforcementCase, case_id)
    assert case is not None
    events = await session.scalars(
        sa.select(TimelineEvent)
        .where(TimelineEvent.case_id == case_id)
        .order_by(TimelineEvent.at, TimelineEvent.id)
    )
    return CaseTimeline(
        case.id,
        case.case_number,
        case.status.value,
        [TimelineNode(e.kind.value, e.at.isoformat(), e.lot_id, e.detail) for e in events],
    )
