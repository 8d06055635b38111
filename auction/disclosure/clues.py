"""Property clues (财产线索): anyone signed in reports a debtor's property, the court answers in
its queue, the reporter follows their own."""

from __future__ import annotations

from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import case_for_staff
from auction.enums import CaseStatus, ClueStatus, Role
from auction.errors import Conflict, Forbidden, NotFound, ValidationFailed
from auction.models import Clue, EnforcementCase, User
from core.db import utcnow


async def report_clue(
    session: AsyncSession, user: User, case_id: int, text: str, attachment: str | None
) -> Clue:
    case = await session.get(EnforcementCase, case_id)
    if case is None:
        raise NotFound("no such case")
    if case.status is not CaseStatus.OPEN:
        raise Conflict("clues are taken for open cases only", code="case_closed")
    if not 5 <= len(text.strip()) <= 5000:
        raise ValidationFailed(
            "describe the property (5 to 5 000 characters)", fields={"text": "invalid_length"}
        )
    clue = Clue(case_id=case.id, reporter_user_id=user.id, text=text.strip(), attachment_name=attachment)
    session.add(clue)
    await session.flush()
    return clue


class ClueView(msgspec.Struct, frozen=True, kw_only=True):
    """A clue as its reporter sees it."""

    id: int
    case_id: int
    text: str
    status: str
    court_note: str
    created_at: str
    updated_at: str
    attachment_url: str | None


class CourtClueView(ClueView, frozen=True, kw_only=True):
    """A clue as the court sees it: who reported it, too."""

    reporter_user_id: int


def _fields(clue: Clue) -> dict[str, object]:
    return {
        "id": clue.id,
        "case_id": clue.case_id,
        "text": clue.text,
        "status": clue.status.value,
        "court_note": clue.court_note,
        "created_at": clue.created_at.isoformat(),
        "updated_at": clue.updated_at.isoformat(),
        "attachment_url": f"/files/{clue.attachment_name}" if clue.attachment_name else None,
    }


def reporter_view(clue: Clue) -> ClueView:
    return msgspec.convert(_fields(clue), ClueView)


def court_view(clue: Clue) -> CourtClueView:
    return msgspec.convert(_fields(clue) | {"reporter_user_id": clue.reporter_user_id}, CourtClueView)


async def clue_queue(session: AsyncSession, user: User, status: ClueStatus | None) -> list[CourtClueView]:
    if user.role is Role.COURT_STAFF:
        court_filter: Any = EnforcementCase.court_id == user.court_id
    elif user.role is Role.ADMIN:
        court_filter = sa.true()
    else:
        raise Forbidden("the clue queue is the court's")
    query = (
        sa.select(Clue)
        .join(EnforcementCase, EnforcementCase.id == Clue.case_id)
        .where(court_filter)
        .order_by(Clue.id)
    )
    if status is not None:
        query = query.where(Clue.status == status)
    return [court_view(clue) for clue in await session.scalars(query)]


async def answer_clue(session: AsyncSession, user: User, clue_id: int, status: ClueStatus, note: str) -> Clue:
    clue = await session.get(Clue, clue_id, with_for_update=True)
    if clue is None:
        raise NotFound("no such clue")
    await case_for_staff(session, user, clue.case_id)
    if status is ClueStatus.NEW:
        raise ValidationFailed(
            "answer with verified, useless or acted_on", fields={"status": "invalid_choice"}
        )
    clue.status, clue.court_note = status, note.strip()[:5000]
    clue.updated_at = utcnow()
    await session.flush()
    return clue


async def my_clues(session: AsyncSession, user: User) -> list[ClueView]:
    clues = await session.scalars(
        sa.select(Clue).where(Clue.reporter_user_id == user.id).order_by(Clue.id.desc())
    )
    return [reporter_view(clue) for clue in clues]
