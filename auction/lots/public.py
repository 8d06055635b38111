"""What the public may read about lots: the list and the detail with the live snapshot.

Identities never appear here: a leader or winner is shown by bidder code only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.disclosure.announcement_items import NATIONAL_HOTLINE
from auction.disclosure.announcements import PUBLIC_KINDS
from auction.disclosure.required_items import NO_DISCLOSURE, Disclosure, from_stored
from auction.enums import HALTED_STATUSES, Category, LotStatus
from auction.errors import NotFound
from auction.lots.bid_log import PublicBid, public_bids
from auction.lots.public_record import PUBLIC_STATUSES
from auction.lots.transitions import ms_to_datetime
from auction.models import (
    Announcement,
    Bid,
    Court,
    EnforcementCase,
    Lot,
    LotTransition,
    PriorityHolder,
    Property,
    PropertyFile,
    Registration,
    User,
)
from bidding_engine.engine import BiddingEngine
from core.db import like_pattern

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


class LotSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A lot as the public list shows it (times are RFC 3339; `end_at` is the engine's end once
    it closed, else the scheduled one)."""

    id: int
    title: str
    category: str
    court: str  # the court's code
    court_name: str
    round: int
    sale_kind: str
    status: str
    appraised_value: int
    starting_price: int
    increment: int
    deposit: int
    start_at: str
    end_at: str
    result_price: int | None


def _summary_fields(lot: Lot, prop: Property, court_code: str, court_name: str) -> dict[str, object]:
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


class LotPage(msgspec.Struct, frozen=True):
    items: list[LotSummary]
    page: int
    page_size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


async def list_lots(session: AsyncSession, where: LotFilter, engine: BiddingEngine | None = None) -> LotPage:
    """One page of public lots; with `engine`, the live ones carry the engine's end (moved by
    every late bid and by a resumption), so the list and the lot page show the same end."""
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
    found = [
        (row.Lot, _summary_fields(row.Lot, row.Property, row.court_code, row.court_name)) for row in rows
    ]
    if engine is not None:
        held = [(lot, item) for lot, item in found if lot.status in (LotStatus.LIVE, *HALTED_STATUSES)]
        snapshots = await asyncio.gather(*(engine.snapshot(lot.id) for lot, _ in held))
        for (_, item), snapshot in zip(held, snapshots, strict=True):
            if snapshot is not None:
                item["end_at"] = ms_to_datetime(snapshot.end_ms).isoformat()
    return LotPage(
        [msgspec.convert(item, LotSummary) for _, item in found], where.page, PAGE_SIZE, total or 0
    )


class FileRef(msgspec.Struct, frozen=True):
    kind: str  # photo | document
    name: str
    content_type: str
    url: str


class PublicHolder(msgspec.Struct, frozen=True):
    """A confirmed priority holder as the announcement names them (art. 14 (6))."""

    name: str
    rank: int
    right: str
    waived: bool = False  # notified before the announcement and not registered by the close


class LotDetail(LotSummary, frozen=True, kw_only=True):
    """A lot with its live part: price, leader and end from the engine while it holds the lot,
    from the record after."""

    description: str
    registrants: int
    price: int | None
    leader_code: str | None
    end_ms: int
    bid_count: int
    files: list[FileRef]
    # Why the lot is in its status, as the court gave it (a suspension's or withdrawal's reason).
    status_reason: str = ""
    remaining_ms: int | None = None  # suspended in the engine: the time left when it resumes
    # What the announcement discloses (arts. 13–15), as the court entered it.
    disclosure: Disclosure = NO_DISCLOSURE
    purchase_restriction: str | None = None
    priority_holders: list[PublicHolder] = msgspec.field(default_factory=list)
    supervision_phone: str = NATIONAL_HOTLINE
    # After the hammer: a deferral's limit, the purchase-limit check, the ruling (ownership passes
    # when it is served), the hand-over, an annulment's ground (art. 31). RFC 3339 times.
    resume_by: str | None = None
    qualified: bool | None = None
    ruled_at: str | None = None
    ruling_url: str | None = None
    delivered_at: str | None = None
    annul_ground: str | None = None

    @property
    def photos(self) -> list[FileRef]:
        return [f for f in self.files if f.kind == "photo"]

    @property
    def documents(self) -> list[FileRef]:
        return [f for f in self.files if f.kind != "photo"]


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def lot_detail(session: AsyncSession, engine: BiddingEngine, lot_id: int) -> LotDetail:
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
    status_reason = (
        sa.select(LotTransition.reason)
        .where(LotTransition.lot_id == Lot.id, LotTransition.to_status == Lot.status)
        .order_by(LotTransition.id.desc())
        .limit(1)
        .scalar_subquery()
        .label("status_reason")
    )
    query = (
        _base_query()
        .add_columns(registrants, bid_count, winner_code, status_reason, Court.supervision_phone)
        .where(Lot.id == lot_id)
    )
    row = (await session.execute(query)).first()
    if row is None:
        raise NotFound("no such lot")
    lot, prop = row.Lot, row.Property
    fields = _summary_fields(lot, prop, row.court_code, row.court_name)
    fields.update(await _live_part(engine, lot, row.bid_count, row.winner_code))
    files = await session.scalars(
        sa.select(PropertyFile).where(PropertyFile.property_id == prop.id).order_by(PropertyFile.id)
    )
    holders = await session.execute(
        sa.select(User.real_name, PriorityHolder.rank, PriorityHolder.right, PriorityHolder.waived_at)
        .join(User, User.id == PriorityHolder.user_id)
        .where(PriorityHolder.lot_id == lot.id)
        .order_by(PriorityHolder.rank)
    )
    return LotDetail(
        **fields,  # type: ignore[arg-type]
        description=prop.description,
        registrants=row.registrants,
        status_reason=row.status_reason or "",
        disclosure=from_stored(lot.disclosure),
        purchase_restriction=lot.purchase_restriction,
        priority_holders=[
            PublicHolder(name, rank, right.value, waived is not None) for name, rank, right, waived in holders
        ],
        supervision_phone=row.supervision_phone or NATIONAL_HOTLINE,
        resume_by=_iso(lot.deferred_until),
        qualified=lot.qualified,
        ruled_at=_iso(lot.ruled_at),
        ruling_url=f"/lots/{lot.id}/ruling" if lot.ruled_at else None,
        delivered_at=_iso(lot.delivered_at),
        annul_ground=lot.annul_ground,
        files=[
            FileRef(f.kind.value, f.original_name, f.content_type, f"/files/{f.stored_name}") for f in files
        ],
    )


async def _live_part(
    engine: BiddingEngine, lot: Lot, bid_count: int, winner_code: str | None
) -> dict[str, object]:
    """Price, leader and end from the engine while it holds the lot; from the record after."""
    snapshot = await engine.snapshot(lot.id) if lot.status in (LotStatus.LIVE, *HALTED_STATUSES) else None
    if snapshot is not None:
        return {
            "price": snapshot.price,
            "leader_code": snapshot.leader_code,
            "end_at": ms_to_datetime(snapshot.end_ms).isoformat(),
            "end_ms": snapshot.end_ms,
            "bid_count": snapshot.seq,
            "remaining_ms": snapshot.remaining_ms,
        }
    end = lot.engine_end_at or lot.end_at
    return {
        "price": lot.result_price,
        "leader_code": winner_code,
        "end_at": end.isoformat(),
        "end_ms": int(end.timestamp() * 1000),
        "bid_count": bid_count or 0,
    }


class NoticeRef(msgspec.Struct, frozen=True):
    id: int
    title_zh: str
    title_en: str
    published_at: dt.datetime


class LotPageView(msgspec.Struct, frozen=True):
    """Everything every visitor of a lot page sees: the record, the bid history, the notices."""

    lot: LotDetail
    bids: list[PublicBid]
    notices: list[NoticeRef]


HISTORY_ON_PAGE = 500


async def lot_page_view(session: AsyncSession, engine: BiddingEngine, lot_id: int) -> LotPageView:
    lot = await lot_detail(session, engine, lot_id)
    notices = await session.execute(
        sa.select(Announcement.id, Announcement.title_zh, Announcement.title_en, Announcement.published_at)
        .where(Announcement.lot_id == lot_id, Announcement.kind.in_(PUBLIC_KINDS))
        .order_by(Announcement.published_at)
    )
    return LotPageView(
        lot,
        await public_bids(session, lot_id, limit=HISTORY_ON_PAGE),
        [NoticeRef(row.id, row.title_zh, row.title_en, row.published_at) for row in notices],
    )
