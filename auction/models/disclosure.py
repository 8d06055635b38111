"""What the public sees: announcements and the dishonest persons list."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from auction.enums import AnnouncementKind
from core.db import Base, str_enum, utcnow
from settlement.enums import DebtorKind


class Announcement(Base):
    """A public notice, in Chinese and English. Append-only: corrections are new notices."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AnnouncementKind] = mapped_column(str_enum(AnnouncementKind), index=True)
    court_id: Mapped[int] = mapped_column(sa.ForeignKey("courts.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enforcement_cases.id"))
    lot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    # Text: a title is built from the court's name and the property's title, whatever their length.
    title_zh: Mapped[str] = mapped_column(sa.Text)
    title_en: Mapped[str] = mapped_column(sa.Text)
    body_zh: Mapped[str] = mapped_column(sa.Text)
    body_en: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class DishonestPerson(Base):
    """An entry of the list of dishonest persons subject to enforcement (失信被执行人)."""

    __tablename__ = "dishonest_persons"
    __table_args__ = (sa.UniqueConstraint("id_number_hash", "case_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    kind: Mapped[DebtorKind] = mapped_column(str_enum(DebtorKind))
    id_number_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    id_number_masked: Mapped[str] = mapped_column(sa.String(32))
    court_name: Mapped[str] = mapped_column(sa.String(200))
    case_number: Mapped[str] = mapped_column(sa.String(64))
    obligation: Mapped[str] = mapped_column(sa.Text, default="")
    listed_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
