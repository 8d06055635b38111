"""The public enforcement lists and their exports: persons subject to enforcement in open cases,
cases closed without satisfaction, and the dishonest persons list.

People page through them newest first; machines (credit platforms) export them oldest change
first from a cursor, with stable ids, so a copy can be kept up to date.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

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


# Shorter queries have no trigram: a surname or a two-character name, found as a name's start.
SHORTEST_SUBSTRING = 3


def _matches(
    q: str, haystack: InstrumentedAttribute[str], name: InstrumentedAttribute[str]
) -> sa.ColumnElement[bool]:
    """A substring of the name, case number or masked number; a name's start for 1–2 characters."""
    text = q.strip()
    if len(text) < SHORTEST_SUBSTRING:
        return name.like(like_pattern(text)[1:], escape="\\")
    return haystack.ilike(like_pattern(text), escape="\\")


PERSON_LISTS = {"subjects": CaseStatus.OPEN, "closed-unsatisfied": CaseStatus.CLOSED_UNSATISFIED}


class ListedCase(msgspec.Struct, frozen=True):
    """A person subject to enforcement (or a case closed without satisfaction), masked."""

    id: str
    name: str
    kind: str
    id_number: str | None
    court: str
    court_code: str
    case_number: str
    amount_outstanding: int
    filed_at: str
    closed_at: str | None
    updated_at: str


class ListedDishonest(msgspec.Struct, frozen=True):
    id: str
    name: str
    kind: str
    id_number: str
    court: str
    case_number: str
    obligation: str
    listed_at: str
    updated_at: str
    # Exports carry removals too (an incremental copy must drop them); the public list does not.
    removed_at: str | None = None
    removal_reason: str | None = None
    ground: str | None = None


Row = TypeVar("Row", ListedCase, ListedDishonest)


class ListPage(msgspec.Struct, Generic[Row], frozen=True):
    items: list[Row]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


class ExportBatch(msgspec.Struct, Generic[Row], frozen=True):
    items: list[Row]
    next_cursor: str | None  # None: the export is complete up to now


def _case_row(case: EnforcementCase, court: Court, outstanding: int) -> ListedCase:
    return ListedCase(
        id=f"case-{case.id}",
        name=case.debtor_name,
        kind=case.debtor_kind.value,
        id_number=case.debtor_id_number_masked,
        court=court.name,
        court_code=court.code,
        case_number=case.case_number,
        amount_outstanding=int(outstanding),
        filed_at=case.filed_at.isoformat(),
        closed_at=case.closed_at.isoformat() if case.closed_at else None,
        updated_at=case.updated_at.isoformat(),
    )


def _case_select(which: str, query: ListQuery) -> sa.Select[EnforcementCase, Court, int]:
    status = PERSON_LISTS[which]
    outstanding = _outstanding().label("outstanding")
    select = (
        sa.select(EnforcementCase, Court, outstanding)
        .join(Court, Court.id == EnforcementCase.court_id)
        .where(EnforcementCase.status == status)
    )
    if query.q:
        select = select.where(_matches(query.q, EnforcementCase.search_text, EnforcementCase.debtor_name))
    if query.court:
        select = select.where(
            sa.or_(Court.code == query.court, Court.name.ilike(like_pattern(query.court), escape="\\"))
        )
    return select


async def case_list(session: AsyncSession, which: str, query: ListQuery) -> ListPage[ListedCase]:
    """Persons subject to enforcement in open cases, or cases closed without satisfaction."""
    rows = await _page(session, _case_select(which, query), EnforcementCase, query)
    return ListPage(
        [_case_row(row[0], row[1], row[2]) for row in rows.rows], query.page, PAGE_SIZE, rows.total
    )


async def case_export(session: AsyncSession, which: str, query: ListQuery) -> ExportBatch[ListedCase]:
    rows, cursor = await _batch(session, _case_select(which, query), EnforcementCase, query)
    return ExportBatch([_case_row(row[0], row[1], row[2]) for row in rows], cursor)


def _dishonest_row(person: DishonestPerson) -> ListedDishonest:
    return ListedDishonest(
        id=f"dishonest-{person.id}",
        name=person.name,
        kind=person.kind.value,
        id_number=person.id_number_masked,
        court=person.court_name,
        case_number=person.case_number,
        obligation=person.obligation,
        listed_at=person.listed_at.isoformat(),
        updated_at=person.updated_at.isoformat(),
        removed_at=person.removed_at.isoformat() if person.removed_at else None,
        removal_reason=person.removal_reason,
        ground=person.ground,
    )


def _dishonest_select(query: ListQuery) -> sa.Select[DishonestPerson]:
    select = sa.select(DishonestPerson)
    if query.q:
        select = select.where(_matches(query.q, DishonestPerson.search_text, DishonestPerson.name))
    if query.court:
        select = select.where(DishonestPerson.court_name.ilike(like_pattern(query.court), escape="\\"))
    return select


async def dishonest_list(session: AsyncSession, query: ListQuery) -> ListPage[ListedDishonest]:
    """The public list: a removed entry leaves it at once (the exports say it was removed)."""
    listed = _dishonest_select(query).where(DishonestPerson.removed_at.is_(None))
    rows = await _page(session, listed, DishonestPerson, query)
    return ListPage([_dishonest_row(row[0]) for row in rows.rows], query.page, PAGE_SIZE, rows.total)


async def dishonest_export(session: AsyncSession, query: ListQuery) -> ExportBatch[ListedDishonest]:
    rows, cursor = await _batch(session, _dishonest_select(query), DishonestPerson, query)
    return ExportBatch([_dishonest_row(row[0]) for row in rows], cursor)


Listed = type[EnforcementCase] | type[DishonestPerson]


@dataclass(frozen=True, slots=True)
class _Rows:
    rows: Sequence[Any]
    total: int


def _changed_since(select: Any, model: Listed, query: ListQuery) -> Any:
    if query.updated_since is not None:
        select = select.where(model.updated_at >= query.updated_since)
    return select


async def _page(session: AsyncSession, select: Any, model: Listed, query: ListQuery) -> _Rows:
    """A page for people: newest change first, numbered."""
    select = _changed_since(select, model, query)
    total = await session.scalar(sa.select(sa.func.count()).select_from(select.subquery()))
    rows = (
        await session.execute(
            select.order_by(model.updated_at.desc(), model.id.desc())
            .offset((query.page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    ).all()
    return _Rows(rows, total or 0)


async def _batch(
    session: AsyncSession, select: Any, model: Listed, query: ListQuery
) -> tuple[Sequence[Any], str | None]:
    """An export batch for machines: oldest change first, after the cursor; the next cursor
    when the batch is full."""
    select = _changed_since(select, model, query)
    if query.after is not None:
        stamp, last_id = query.after
        select = select.where(
            sa.tuple_(model.updated_at, model.id) > sa.tuple_(sa.literal(stamp), sa.literal(last_id))
        )
    rows = (await session.execute(select.order_by(model.updated_at, model.id).limit(EXPORT_LIMIT))).all()
    last = rows[-1][0] if rows else None
    cursor = (
        encode_cursor(last.updated_at, last.id) if last is not None and len(rows) == EXPORT_LIMIT else None
    )
    return rows, cursor


def as_csv(items: Sequence[msgspec.Struct]) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese correctly."""
    buffer = io.StringIO()
    if items:
        writer = csv.DictWriter(buffer, fieldnames=list(msgspec.structs.asdict(items[0])))
        writer.writeheader()
        writer.writerows(msgspec.structs.asdict(item) for item in items)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def as_json(payload: msgspec.Struct) -> bytes:
    return msgspec.json.encode(payload)
