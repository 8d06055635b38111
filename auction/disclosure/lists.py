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

from auction.enums import CaseStatus
from auction.errors import ValidationFailed
from auction.models import Claim, Court, DishonestPerson, EnforcementCase
from core.db import like_pattern
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


# -- court actions -------------------------------------------------------------------------


# -- property clues ------------------------------------------------------------------------
