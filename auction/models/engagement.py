"""The parties' and the public's side of enforcement: case subscriptions, notifications, clues."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from auction.enums import Channel, ClueStatus, DeliveryStatus
from core.db import Base, str_enum, utcnow


class CaseSubscription(Base):
    """A party following a case: every new node is delivered on the chosen channels."""

    __tablename__ = "case_subscriptions"
    __table_args__ = (sa.UniqueConstraint("user_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("enforcement_cases.id"), index=True)
    channels: Mapped[list[str]] = mapped_column(ARRAY(sa.String(16)))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """One node for one subscriber on one channel; the record of every delivery attempt."""

    __tablename__ = "notifications"
    __table_args__ = (
        sa.UniqueConstraint("subscription_id", "timeline_event_id", "channel"),
        sa.Index("ix_notifications_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("case_subscriptions.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("enforcement_cases.id"))
    timeline_event_id: Mapped[int] = mapped_column(sa.ForeignKey("timeline_events.id"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None]
    read_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Clue(Base):
    """A report of a debtor's property (财产线索) and the court's answer to it."""

    __tablename__ = "clues"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("enforcement_cases.id"), index=True)
    reporter_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(100))
    status: Mapped[ClueStatus] = mapped_column(str_enum(ClueStatus), default=ClueStatus.NEW)
    court_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
