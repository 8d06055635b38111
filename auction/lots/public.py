"""What the public may read about lots: the list and the detail with the live snapshot.

Identities never appear here: a leader or winner is shown by bidder code only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import Category, LotStatus
from auction.errors import NotFound
from auction.lots.transitions import ms_to_datetime
from auction.models import Bid, Court, EnforcementCase, Lot, Property, PropertyFile, Registration
from bidding_engine.engine import BiddingEngine
from core.db import like_pattern

PUBLIC_STATUSES = tuple(status for status in LotStatus if status is not LotStatus.DRAFT)
PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class LotFilter:
    status: LotStatus | None = None
    category: Category | None = None
    court_code: str | None = None
    query: str | None = None
    page: int = 1
    min_price: int | None = None  # starting price bounds, fen
    max_price: int | None = None
    statuses: tuple[LotStatus, ...] = ()  # any of these, when no single status is asked for
    soonest_first: bool = False  # by end ascending (what is about to close), else latest first


def _base_query() -> sa.Select[Lot, Property, str, str]:
    return (
        sa.select(Lot, Property, Court.code.label("court_code"), Court.name.label("court_name"))
        .join(Property, Property.id == Lot.property_id)
        .join(EnforcementCase, EnforcementCase.id == Property.case_id)
        .join(Court, Court.id == EnforcementCase.court_id)
        .where(Lot.status.in_(PUBLIC_STATUSES))
    )


def _summary(lot: Lot, prop: Property, court_code: str, court_name: str) -> dict[str, Any]:
    return {
        "id": lot.id,
        "title": prop.title,
        "category": prop.category.value,
        "court": court_code,
        "court_name": court_name,
        "round": lot.round,
        "sale_kind": lot.sale_kind.value,
        "status": lot.status.value,
        "appraised_value": prop.appraised_value,
        "starting_price": lot.starting_price,
        "increment": lot.increment,
        "deposit": lot.deposit,
        "start_at": lot.start_at.isoformat(),
        "end_at": (lot.engine_end_at or lot.end_at).isoformat(),
        "result_price": lot.result_price,
    }


async def list_lots(session: AsyncSession, where: LotFilter) -> dict[str, Any]:
    query = _base_query()
    if where.status is not None:
        query = query.where(Lot.status == where.status)
    elif where.statuses:
        query = query.where(Lot.status.in_(where.statuses))
    if where.min_price is not None:
        query = query.where(Lot.starting_price >= where.min_price)
    if where.max_price is not None:
        query = query.where(Lot.starting_price <= where.max_price)
    if where.category is not None:
        query = query.where(Property.category == where.category)
    if where.court_code:
        query = query.where(Court.code == where.court_code)
    if where.query:
        query = query.where(Property.title.ilike(like_pattern(where.query), escape="\\"))
    total = await session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    order = (Lot.end_at, Lot.id) if where.soonest_first else (Lot.end_at.desc(), Lot.id.desc())
    rows = await session.execute(query.order_by(*order).offset((where.page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return {
        "items": [_summary(row.Lot, row.Property, row.court_code, row.court_name) for row in rows],
        "page": where.page,
        "page_size": PAGE_SIZE,
        "total": total or 0,
    }


async def lot_detail(session: AsyncSession, engine: BiddingEngine, lot_id: int) -> dict[str, Any]:
    """One query for the record (counts and the winner's code as subqueries), one for the
    files, and the engine's snapshot while it holds the lot: the lot page is the busiest page."""
    registrants = (
        sa.select(sa.func.count()).where(Registration.lot_id == Lot.id).scalar_subquery().label("registrants")
    )
    bid_count = sa.select(sa.func.count()).where(Bid.lot_id == Lot.id).scalar_subquery().label("bid_count")
    winner_code = (
        sa.select(Registration.bidder_code)
        .where(Registration.id == Lot.winner_registration_id)
        .scalar_subquery()
        .label("winner_code")
    )
    query = _base_query().add_columns(registrants, bid_count, winner_code).where(Lot.id == lot_id)
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound("no such lot")
    lot, prop = row.Lot, row.Property
    body = _summary(lot, prop, row.court_code, row.court_name)
    body["description"] = prop.description
    body["registrants"] = row.registrants
    body.update(await _live_part(engine, lot, row.bid_count, row.winner_code))
    files = await session.scalars(
        sa.select(PropertyFile).where(PropertyFile.property_id == prop.id).order_by(PropertyFile.id)
    )
    body["files"] = [
        {
            "kind": f.kind.value,
            "name": f.original_name,
            "content_type": f.content_type,
            "url": f"/files/{f.stored_name}",
        }
        for f in files
    ]
    return body


async def _live_part(
    engine: BiddingEngine, lot: Lot, bid_count: int, winner_code: str | None
) -> dict[str, Any]:
    """Price, leader and end from the engine while it holds the lot; from the record after."""
    snapshot = await engine.snapshot(lot.id) if lot.status in (LotStatus.LIVE, LotStatus.SUSPENDED) else None
    if snapshot is not None:
        return {
            "price": snapshot.price,
            "leader_code": snapshot.leader_code,
            "end_at": ms_to_datetime(snapshot.end_ms).isoformat(),
            "end_ms": snapshot.end_ms,
            "bid_count": snapshot.seq,
        }
    end = lot.engine_end_at or lot.end_at
    return {
        "price": lot.result_price,
        "leader_code": winner_code,
        "end_at": end.isoformat(),
        "end_ms": int(end.timestamp() * 1000),
        "bid_count": bid_count or 0,
    }


class RecordedLot(msgspec.Struct, frozen=True):
    """A lot's bidding state as the record has it (the engine holds no state for it)."""

    status: str
    price: int | None
    leader_code: str | None
    starting_price: int
    increment: int
    end_ms: int
    bid_count: int


async def recorded_lot(session: AsyncSession, lot_id: int) -> RecordedLot:
    """NotFound for a lot that does not exist or is a draft (not public)."""
    bid_count = sa.select(sa.func.count()).where(Bid.lot_id == Lot.id).scalar_subquery()
    winner_code = (
        sa.select(Registration.bidder_code)
        .where(Registration.id == Lot.winner_registration_id)
        .scalar_subquery()
    )
    row = (
        await session.execute(
            sa.select(Lot, bid_count.label("bid_count"), winner_code.label("winner_code")).where(
                Lot.id == lot_id, Lot.status.in_(PUBLIC_STATUSES)
            )
        )
    ).first()
    if row is None:
        raise NotFound("no such lot")
    lot = row.Lot
    end = lot.engine_end_at or lot.end_at
    return RecordedLot(
        lot.status.value,
        lot.result_price,
        row.winner_code,
        lot.starting_price,
        lot.increment,
        int(end.timestamp() * 1000),
        row.bid_count or 0,
    )
