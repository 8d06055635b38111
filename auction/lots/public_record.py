"""Small public reads of a lot outside its page: the record a closed lot's snapshot is built
from, where a lot sits (its case and court), and whether it is public at all."""

from __future__ import annotations

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import LotStatus
from auction.errors import NotFound
from auction.models import Bid, Claim, EnforcementCase, Lot, Property, Registration

PUBLIC_STATUSES = tuple(status for status in LotStatus if status is not LotStatus.DRAFT)


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


class ClaimChoice(msgspec.Struct, frozen=True):
    id: int
    creditor_name: str
    amount: int


class LotPlace(msgspec.Struct, frozen=True):
    """Whose lot it is: the case it sells for and the court acting on it, and the case's claims
    (a creditor may take an unsold lot's property against one)."""

    case_id: int
    court_id: int
    claims: list[ClaimChoice] = msgspec.field(default_factory=list)


async def lot_place(session: AsyncSession, lot_id: int) -> LotPlace | None:
    row = (
        await session.execute(
            sa.select(Property.case_id, EnforcementCase.court_id)
            .join(Lot, Lot.property_id == Property.id)
            .join(EnforcementCase, EnforcementCase.id == Property.case_id)
            .where(Lot.id == lot_id)
        )
    ).first()
    if row is None:
        return None
    claims = await session.execute(
        sa.select(Claim.id, Claim.creditor_name, Claim.amount)
        .where(Claim.case_id == row.case_id)
        .order_by(Claim.id)
    )
    return LotPlace(row.case_id, row.court_id, [ClaimChoice(*claim) for claim in claims])


async def require_public_lot(session: AsyncSession, lot_id: int) -> None:
    """NotFound unless the lot exists and is public (not a draft)."""
    status = await session.scalar(sa.select(Lot.status).where(Lot.id == lot_id))
    if status is None or status is LotStatus.DRAFT:
        raise NotFound("no such lot")
