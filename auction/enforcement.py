"""Enforcement information disclosure beyond auctions: the public lists with their exports, the
parties' case look-up, enforcement measures, closing a case, reward notices, property clues."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction import identity
from auction.access import case_for_staff
from auction.announcements import Notice
from auction.enums import AnnouncementKind, CaseStatus, ClueStatus, Role, TimelineKind
from auction.errors import Conflict, Forbidden, NotFound, ValidationFailed
from auction.models import Claim, Clue, Court, DishonestPerson, EnforcementCase, TimelineEvent, User
from auction.notices import publish
from core.db import like_pattern, utcnow
from core.display import yuan
from settlement.enums import PlanStatus
from settlement.models import AllocationLine, AllocationPlan

PAGE_SIZE = 50
EXPORT_LIMIT = 1_000


@dataclass(frozen=True, slots=True)
class ListQuery:
    q: str | None = None
    court: str | None = None
    page: int = 1
    updated_since: dt.datetime | None = None
    after: tuple[dt.datetime, int] | None = None  # the export cursor: (updated_at, id) of the last row


def encode_cursor(updated_at: dt.datetime, row_id: int) -> str:
    return f"{updated_at.astimezone(dt.UTC).isoformat()}|{row_id}"


def decode_cursor(raw: str) -> tuple[dt.datetime, int]:
    try:
        stamp, row_id = raw.rsplit("|", 1)
        moment = dt.datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, int(row_id)
    except ValueError:
        raise ValidationFailed(
            "the cursor is not one this server gave", fields={"cursor": "invalid_value"}
        ) from None


def _outstanding() -> sa.ColumnElement[int]:
    """What the case's claims are still owed: claimed minus disbursed allocations."""
    claimed = sa.select(sa.func.coalesce(sa.func.sum(Claim.amount), 0)).where(
        Claim.case_id == EnforcementCase.id
    )
    paid = (
        sa.select(sa.func.coalesce(sa.func.sum(AllocationLine.allocated), 0))
        .join(AllocationPlan, AllocationPlan.id == AllocationLine.plan_id)
        .where(AllocationPlan.case_id == EnforcementCase.id, AllocationPlan.status == PlanStatus.DISBURSED)
    )
    return claimed.scalar_subquery() - paid.scalar_subquery()


PERSON_LISTS = {"subjects": CaseStatus.OPEN, "closed-unsatisfied": CaseStatus.CLOSED_UNSATISFIED}


def _case_row(case: EnforcementCase, court: Court, outstanding: int) -> dict[str, Any]:
    return {
        "id": f"case-{case.id}",
        "name": case.debtor_name,
        "kind": case.debtor_kind.value,
        "id_number": case.debtor_id_number_masked,
        "court": court.name,
        "court_code": court.code,
        "case_number": case.case_number,
        "amount_outstanding": int(outstanding),
        "filed_at": case.filed_at.isoformat(),
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "updated_at": case.updated_at.isoformat(),
    }


async def case_list(session: AsyncSession, which: str, query: ListQuery, *, export: bool) -> dict[str, Any]:
    """Persons subject to enforcement in open cases, or cases closed without satisfaction."""
    status = PERSON_LISTS[which]
    outstanding = _outstanding().label("outstanding")
    select = (
        sa.select(EnforcementCase, Court, outstanding)
        .join(Court, Court.id == EnforcementCase.court_id)
        .where(EnforcementCase.status == status)
    )
    if query.q:
        pattern = like_pattern(query.q.strip())
        select = select.where(
            sa.or_(
                EnforcementCase.debtor_name.ilike(pattern, escape="\\"),
                EnforcementCase.debtor_id_number_masked.ilike(pattern, escape="\\"),
                EnforcementCase.case_number.ilike(pattern, escape="\\"),
            )
        )
    if query.court:
        select = select.where(
            sa.or_(Court.code == query.court, Court.name.ilike(like_pattern(query.court), escape="\\"))
        )
    return await _page(session, select, EnforcementCase, query, export, lambda row: _case_row(*row))


def _dishonest_row(person: DishonestPerson) -> dict[str, Any]:
    return {
        "id": f"dishonest-{person.id}",
        "name": person.name,
        "kind": person.kind.value,
        "id_number": person.id_number_masked,
        "court": person.court_name,
        "case_number": person.case_number,
        "obligation": person.obligation,
        "listed_at": person.listed_at.isoformat(),
        "updated_at": person.updated_at.isoformat(),
    }


async def dishonest_list(session: AsyncSession, query: ListQuery, *, export: bool) -> dict[str, Any]:
    select = sa.select(DishonestPerson)
    if query.q:
        pattern = like_pattern(query.q.strip())
        select = select.where(
            sa.or_(
                DishonestPerson.name.ilike(pattern, escape="\\"),
                DishonestPerson.id_number_masked.ilike(pattern, escape="\\"),
                DishonestPerson.case_number.ilike(pattern, escape="\\"),
            )
        )
    if query.court:
        select = select.where(DishonestPerson.court_name.ilike(like_pattern(query.court), escape="\\"))
    return await _page(session, select, DishonestPerson, query, export, lambda row: _dishonest_row(row[0]))


async def _page(
    session: AsyncSession, select: Any, model: Any, query: ListQuery, export: bool, shape: Any
) -> dict[str, Any]:
    """A page for people (newest first, numbered) or an export batch for machines (oldest change
    first, from the cursor, stable ids): both in one place so they cannot disagree."""
    if query.updated_since is not None:
        select = select.where(model.updated_at >= query.updated_since)
    if export:
        if query.after is not None:
            stamp, last_id = query.after
            select = select.where(
                sa.tuple_(model.updated_at, model.id) > sa.tuple_(sa.literal(stamp), sa.literal(last_id))
            )
        rows = (await session.execute(select.order_by(model.updated_at, model.id).limit(EXPORT_LIMIT))).all()
        items = [shape(row) for row in rows]
        last = rows[-1][0] if rows else None
        return {
            "items": items,
            "next_cursor": encode_cursor(last.updated_at, last.id)
            if last is not None and len(rows) == EXPORT_LIMIT
            else None,
        }
    total = await session.scalar(sa.select(sa.func.count()).select_from(select.subquery()))
    rows = (
        await session.execute(
            select.order_by(model.updated_at.desc(), model.id.desc())
            .offset((query.page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    ).all()
    return {
        "items": [shape(row) for row in rows],
        "page": query.page,
        "page_size": PAGE_SIZE,
        "total": total or 0,
    }


def as_csv(items: list[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese correctly."""
    buffer = io.StringIO()
    if items:
        writer = csv.DictWriter(buffer, fieldnames=list(items[0]))
        writer.writeheader()
        writer.writerows(items)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def as_json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


# -- the parties' look-up ------------------------------------------------------------------


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


# -- court actions -------------------------------------------------------------------------


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


async def publish_reward(
    session: AsyncSession, user: User, case_id: int, amount: int, text_zh: str, text_en: str
) -> int:
    """A reward notice (悬赏公告) for clues to the debtor's property."""
    case = await case_for_staff(session, user, case_id)
    if not 0 < amount <= 10**13 or not 1 <= len(text_zh.strip()) <= 5000:
        raise ValidationFailed("a reward needs an amount and a text", fields={"amount": "invalid_value"})
    notice = Notice(
        AnnouncementKind.REWARD,
        f"{case.case_number} 悬赏公告",
        f"Reward notice, case {case.case_number}",
        f"被执行人：{case.debtor_name}。{text_zh.strip()}\n提供有效财产线索的，按实际执行到位金额给予奖励，最高 {yuan(amount)} 元。",
        f"Debtor: {case.debtor_name}. {text_en.strip() or text_zh.strip()}\nA reward of up to CNY {yuan(amount)} "
        "for a clue that leads to enforcement.",
    )
    announcement = await publish(session, notice, court_id=case.court_id, case_id=case.id, lot_id=None)
    return announcement.id


# -- property clues ------------------------------------------------------------------------


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


def clue_json(clue: Clue, *, for_court: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": clue.id,
        "case_id": clue.case_id,
        "text": clue.text,
        "status": clue.status.value,
        "court_note": clue.court_note,
        "created_at": clue.created_at.isoformat(),
        "updated_at": clue.updated_at.isoformat(),
        "attachment_url": f"/files/{clue.attachment_name}" if clue.attachment_name else None,
    }
    if for_court:
        body["reporter_user_id"] = clue.reporter_user_id
    return body


async def clue_queue(session: AsyncSession, user: User, status: ClueStatus | None) -> list[dict[str, Any]]:
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
    return [clue_json(clue, for_court=True) for clue in await session.scalars(query)]


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


async def my_clues(session: AsyncSession, user: User) -> list[dict[str, Any]]:
    clues = await session.scalars(
        sa.select(Clue).where(Clue.reporter_user_id == user.id).order_by(Clue.id.desc())
    )
    return [clue_json(clue, for_court=False) for clue in clues]
