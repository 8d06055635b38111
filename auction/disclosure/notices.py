"""Publishing notices: a stored, append-only announcement per public event."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.disclosure.confirmation import confirmation, confirmation_notice
from auction.disclosure.texts import Notice, result_notice
from auction.models import Announcement, Court, EnforcementCase, Lot, Property


async def publish(
    session: AsyncSession, notice: Notice, *, court_id: int, case_id: int | None, lot_id: int | None
) -> Announcement:
    announcement = Announcement(
        kind=notice.kind,
        court_id=court_id,
        case_id=case_id,
        lot_id=lot_id,
        title_zh=notice.title_zh,
        title_en=notice.title_en,
        body_zh=notice.body_zh,
        body_en=notice.body_en,
    )
    session.add(announcement)
    await session.flush()
    return announcement


async def records_of(session: AsyncSession, lot: Lot) -> tuple[Court, EnforcementCase, Property]:
    row = (
        await session.execute(
            sa.select(Court, EnforcementCase, Property)
            .join(EnforcementCase, EnforcementCase.court_id == Court.id)
            .join(Property, Property.case_id == EnforcementCase.id)
            .where(Property.id == lot.property_id)
        )
    ).one()
    return row[0], row[1], row[2]


async def publish_result_notice(
    session: AsyncSession, lot: Lot, case_id: int, winner_code: str | None, *, barred_code: str | None = None
) -> None:
    """The public result of a close, carrying the head of the bid log's hash chain, and for a
    sale the confirmation naming the buyer (identities are public only from here on)."""
    court, _, prop = await records_of(session, lot)
    notices = [result_notice(court, prop, lot, winner_code, barred_code=barred_code)]
    if winner_code is not None:
        notices.append(confirmation_notice(await confirmation(session, lot.id)))
    for notice in notices:
        await publish(session, notice, court_id=court.id, case_id=case_id, lot_id=lot.id)
