"""The platform's public figures: lots, sold, sell-through, total sales, the average premium
over the starting price, and the commission an auction house could have charged."""

from __future__ import annotations

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import SOLD_OUTCOMES, LotStatus
from auction.models import (
    Court,
    Lot,
)
from settlement.fees import commission_cap

SOLD_STATUSES = SOLD_OUTCOMES


CLOSED_STATUSES = (*SOLD_STATUSES, LotStatus.FAILED)


class PlatformStats(msgspec.Struct, frozen=True):
    lots: int
    closed: int
    sold: int
    sell_through_rate: float | None
    total_sales: int
    average_premium: float | None
    commission_saved: int
    courts: int


async def platform_stats(session: AsyncSession) -> PlatformStats:
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
    return PlatformStats(
        lots=lots_total,
        closed=closed,
        sold=len(sold_rows),
        sell_through_rate=round(len(sold_rows) / closed, 4) if closed else None,
        total_sales=total_sales,
        average_premium=round(sum(premiums) / len(premiums), 4) if premiums else None,
        commission_saved=sum(commission_cap(int(price)) for price, _ in sold_rows if price),
        courts=int(await session.scalar(sa.select(sa.func.count()).select_from(Court)) or 0),
    )
