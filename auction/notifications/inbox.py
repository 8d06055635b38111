"""The in-app channel: a user's notifications, read and marked read."""

from __future__ import annotations

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.enums import Channel
from auction.errors import NotFound
from auction.models import EnforcementCase, Notification, TimelineEvent, User
from auction.notifications.dispatcher import KIND_ZH
from core.db import utcnow


class InboxItem(msgspec.Struct, frozen=True):
    id: int
    case_id: int
    case_number: str
    kind: str
    label: str  # the node's name in Chinese (what the text message says)
    detail: str
    at: str
    read: bool


async def inbox(session: AsyncSession, user: User, *, unread_only: bool = False) -> list[InboxItem]:
    query = (
        sa.select(Notification, TimelineEvent, EnforcementCase.case_number)
        .join(TimelineEvent, TimelineEvent.id == Notification.timeline_event_id)
        .join(EnforcementCase, EnforcementCase.id == Notification.case_id)
        .where(Notification.user_id == user.id, Notification.channel == Channel.IN_APP)
        .order_by(TimelineEvent.at.desc(), Notification.id.desc())
        .limit(200)
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return [
        InboxItem(
            n.id,
            n.case_id,
            number,
            e.kind.value,
            KIND_ZH.get(e.kind.value, e.kind.value),
            e.detail,
            e.at.isoformat(),
            n.read_at is not None,
        )
        for n, e, number in await session.execute(query)
    ]


async def mark_read(session: AsyncSession, user: User, notification_id: int) -> None:
    notification = await session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound("no such notification")
    notification.read_at = notification.read_at or utcnow()
