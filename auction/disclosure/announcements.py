"""Public announcements: every notice the platform published, in Chinese and English, newest
first, by kind or by lot. Notices to a priority holder concern that holder alone and are never
listed."""

from __future__ import annotations

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import AnnouncementKind
from auction.errors import NotFound
from auction.models import Announcement

PAGE_SIZE = 20
PUBLIC_KINDS = frozenset(kind for kind in AnnouncementKind if kind is not AnnouncementKind.PRIORITY_NOTICE)


class AnnouncementView(msgspec.Struct, frozen=True):
    id: int
    kind: str
    court_id: int
    case_id: int | None
    lot_id: int | None
    title_zh: str
    title_en: str
    published_at: str
    body_zh: str
    body_en: str


def _view(a: Announcement) -> AnnouncementView:
    return AnnouncementView(
        a.id,
        a.kind.value,
        a.court_id,
        a.case_id,
        a.lot_id,
        a.title_zh,
        a.title_en,
        a.published_at.isoformat(),
        a.body_zh,
        a.body_en,
    )


class AnnouncementPage(msgspec.Struct, frozen=True):
    items: list[AnnouncementView]
    page: int
    page_size: int
    total: int

    @property
    def more(self) -> bool:
        return self.page * self.page_size < self.total


async def list_announcements(
    session: AsyncSession, page: int, *, lot_id: int | None = None, kind: AnnouncementKind | None = None
) -> AnnouncementPage:
    query = sa.select(Announcement).where(Announcement.kind.in_(PUBLIC_KINDS))
    if lot_id is not None:
        query = query.where(Announcement.lot_id == lot_id)
    if kind is not None:
        query = query.where(Announcement.kind == kind)
    total = await session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(Announcement.published_at.desc(), Announcement.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return AnnouncementPage([_view(a) for a in rows], page, PAGE_SIZE, total or 0)


async def public_announcement(session: AsyncSession, announcement_id: int) -> AnnouncementView:
    found = await session.get(Announcement, announcement_id)
    if found is None or found.kind not in PUBLIC_KINDS:
        raise NotFound("no such announcement")
    return _view(found)
