"""A lot's recorded history: every status change as an append-only transition, the case's
timeline nodes, and the engine's millisecond times as UTC datetimes."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import LotStatus, TimelineKind
from auction.models import Lot, LotTransition, Property, TimelineEvent


def ms_to_datetime(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC)


def datetime_to_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


async def transition(
    session: AsyncSession, lot: Lot, to: LotStatus, *, actor_user_id: int | None = None, reason: str = ""
) -> None:
    session.add(
        LotTransition(
            lot_id=lot.id, from_status=lot.status, to_status=to, actor_user_id=actor_user_id, reason=reason
        )
    )
    lot.status = to


async def add_timeline(session: AsyncSession, lot: Lot, kind: TimelineKind, detail: str = "") -> None:
    case_id = await session.scalar(sa.select(Property.case_id).where(Property.id == lot.property_id))
    assert case_id is not None  # a lot always belongs to a property of a case
    session.add(TimelineEvent(case_id=case_id, kind=kind, lot_id=lot.id, detail=detail))
