"""Public disclosure: announcements, the dishonest persons list (search and CSV import),
case timelines for the parties, and the platform statistics."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.models import (
    Announcement,
)

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
