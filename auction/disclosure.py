"""Public disclosure: announcements, the dishonest persons list (search and CSV import),
case timelines for the parties, and the platform statistics."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from auction import identity
from auction.access import require_staff_of
from auction.enums import LotStatus, Role
from auction.errors import NotFound, ValidationFailed
from auction.models import (
    Announcement,
    Claim,
    Court,
    DishonestPerson,
    EnforcementCase,
    Lot,
    TimelineEvent,
    User,
)
from settlement.enums import DebtorKind
from settlement.fees import commission_cap

PAGE_SIZE = 20


def announcement_json(a: Announcement, *, with_body: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": a.id,
        "kind": a.kind.value,
        "court_id": a.court_id,
        "case_id": a.case_id,
        "lot_id": a.lot_id,
        "title_zh": a.title_zh,
        "title_en": a.title_en,
        "published_at": a.published_at.isoformat(),
    }
    if with_body:
        body |= {"body_zh": a.body_zh, "body_en": a.body_en}
    return body


async def list_announcements(session: AsyncSession, page: int, lot_id: int | None = None) -> dict[str, Any]:
    # Notices to priority holders concern them alone; everything else is public.
    query = sa.select(Announcement).where(Announcement.kind != "priority_notice")
    if lot_id is not None:
        query = query.where(Announcement.lot_id == lot_id)
    total = await session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(Announcement.published_at.desc(), Announcement.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return {
        "items": [announcement_json(a) for a in rows],
        "page": page,
        "page_size": PAGE_SIZE,
        "total": total or 0,
    }


@dataclass(frozen=True, slots=True)
class ImportReport:
    imported: int
    updated: int
    rejected: list[tuple[int, str]]  # (line number, reason)


DISHONEST_COLUMNS = ("name", "kind", "id_number", "court", "case_number", "obligation", "listed_on")


def _dishonest_row(row: dict[str, str], secret_key: str) -> dict[str, Any]:
    kind = DebtorKind(row["kind"].strip() or "natural")
    number = row["id_number"].strip().upper()
    if kind is DebtorKind.NATURAL and not identity.is_valid(number):
        raise ValueError("invalid identity number")
    if not row["name"].strip() or not row["case_number"].strip():
        raise ValueError("name and case number are required")
    listed = dt.date.fromisoformat(row["listed_on"].strip())
    return {
        "name": row["name"].strip()[:200],
        "kind": kind,
        "id_number_hash": identity.keyed_hash(number, secret_key),
        # A legal person's unified social credit code is public; a natural person's number never is.
        "id_number_masked": identity.mask(number) if kind is DebtorKind.NATURAL else number[:32],
        "court_name": row["court"].strip()[:200],
        "case_number": row["case_number"].strip()[:64],
        "obligation": row.get("obligation", "").strip(),
        "listed_at": dt.datetime.combine(listed, dt.time(), dt.UTC),
    }


async def import_dishonest(
    session: AsyncSession, path: Path, secret_key: str, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Upsert the list from a UTF-8 CSV with a header row of DISHONEST_COLUMNS; bad rows are
    reported with their line number and skipped, never half-written."""
    imported = updated = 0
    rejected: list[tuple[int, str]] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = set(DISHONEST_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValidationFailed(
                f"the CSV lacks columns: {', '.join(sorted(missing))}", fields={"file": "columns"}
            )
        for line, row in enumerate(reader, start=2):
            try:
                values = _dishonest_row(row, secret_key)
            except (ValueError, KeyError, AttributeError) as exc:
                rejected.append((line, str(exc)))
                continue
            statement = pg_insert(DishonestPerson).values(**values)
            # xmax = 0 on the returned row means it was inserted rather than updated.
            inserted = await session.scalar(
                statement.on_conflict_do_update(
                    index_elements=["id_number_hash", "case_number"],
                    set_={k: statement.excluded[k] for k in ("name", "obligation", "court_name", "listed_at")}
                    | {"updated_at": sa.func.now()},
                ).returning(sa.literal_column("xmax = 0"))
            )
            if inserted:
                imported += 1
            else:
                updated += 1
            if progress is not None:
                progress(line - 1)
    return ImportReport(imported, updated, rejected)


async def case_timeline(session: AsyncSession, user: User, case_id: int) -> dict[str, Any]:
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
    return await timeline_json(session, case.id)


async def timeline_json(session: AsyncSession, case_id: int) -> dict[str, Any]:
    """Every node of the case in order. Precondition: the caller may see this case."""
    case = await session.get(EnforcementCase, case_id)
    assert case is not None
    events = await session.scalars(
        sa.select(TimelineEvent)
        .where(TimelineEvent.case_id == case_id)
        .order_by(TimelineEvent.at, TimelineEvent.id)
    )
    return {
        "case_id": case.id,
        "case_number": case.case_number,
        "status": case.status.value,
        "events": [
            {"kind": e.kind.value, "at": e.at.isoformat(), "lot_id": e.lot_id, "detail": e.detail}
            for e in events
        ],
    }


SOLD_STATUSES = (LotStatus.SOLD, LotStatus.SETTLED, LotStatus.DEFAULTED)
CLOSED_STATUSES = (*SOLD_STATUSES, LotStatus.FAILED)


async def platform_stats(session: AsyncSession) -> dict[str, Any]:
    """The white paper's figures: lots, sold, sell-through, total sales, average premium over
    the starting price, and the commission an auction house could have charged."""
    closed = int(
        await session.scalar(
            sa.select(sa.func.count()).select_from(Lot).where(Lot.status.in_(CLOSED_STATUSES))
        )
        or 0
    )
    sold_rows = (
        await session.execute(
            sa.select(Lot.result_price, Lot.starting_price).where(Lot.status.in_(SOLD_STATUSES))
        )
    ).all()
    lots_total = int(
        await session.scalar(sa.select(sa.func.count()).select_from(Lot).where(Lot.status != LotStatus.DRAFT))
        or 0
    )
    total_sales = sum(int(price or 0) for price, _ in sold_rows)
    premiums = [(int(price) - start) / start for price, start in sold_rows if price]
    return {
        "lots": lots_total,
        "closed": closed,
        "sold": len(sold_rows),
        "sell_through_rate": round(len(sold_rows) / closed, 4) if closed else None,
        "total_sales": total_sales,
        "average_premium": round(sum(premiums) / len(premiums), 4) if premiums else None,
        "commission_saved": sum(commission_cap(int(price)) for price, _ in sold_rows if price),
        "courts": int(await session.scalar(sa.select(sa.func.count()).select_from(Court)) or 0),
    }
