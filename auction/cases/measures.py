"""What the court records on a case besides its sales: enforcement measures, and closing the
case (paid in full, or 终结本次执行程序 without satisfaction)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import case_for_staff
from auction.enums import CaseStatus, TimelineKind
from auction.errors import Conflict, ValidationFailed
from auction.models import EnforcementCase, TimelineEvent, User
from core.db import utcnow


async def record_measure(session: AsyncSession, user: User, case_id: int, text: str) -> TimelineEvent:
    case = await case_for_staff(session, user, case_id)
    if not 1 <= len(text.strip()) <= 2000:
        raise ValidationFailed("describe the measure", fields={"description": "required"})
    event = TimelineEvent(case_id=case.id, kind=TimelineKind.MEASURES, detail=text.strip())
    session.add(event)
    case.updated_at = utcnow()
    await session.flush()
    return event


async def close_case(
    session: AsyncSession, user: User, case_id: int, satisfied: bool, reason: str
) -> EnforcementCase:
    case = await case_for_staff(session, user, case_id, lock=True)
    if case.status is not CaseStatus.OPEN:
        raise Conflict("the case is closed already", code="invalid_status")
    case.status = CaseStatus.CLOSED_SATISFIED if satisfied else CaseStatus.CLOSED_UNSATISFIED
    case.closed_at = case.updated_at = utcnow()
    detail = reason.strip() or (
        "all claims satisfied" if satisfied else "终结本次执行程序 closed without satisfaction"
    )
    session.add(TimelineEvent(case_id=case.id, kind=TimelineKind.CLOSED, detail=detail))
    await session.flush()
    return case
