"""What the public sees: announcements and the dishonest persons list."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
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


SEARCH_TEXT = "name || ' ' || case_number || ' ' || id_number_masked"


class DishonestPerson(Base):
    """An entry of the list of dishonest persons subject to enforcement (失信被执行人)."""

    __tablename__ = "dishonest_persons"
    __table_args__ = (
        sa.UniqueConstraint("id_number_hash", "case_number"),
        # The search indexes of migration 0015 (a trigram index on name, case number and masked
        # number; names by prefix) and the exports' cursor order.
        sa.Index("ix_dishonest_persons_name", "name", postgresql_ops={"name": "text_pattern_ops"}),
        sa.Index("ix_dishonest_persons_updated_at_id", "updated_at", "id"),
        # The lists' clock asks every minute which periods ran out: the few with a period.
        sa.Index(
            "ix_dishonest_persons_expiring",
            "expires_at",
            postgresql_where=sa.text("removed_at IS NULL AND expires_at IS NOT NULL"),
        ),
        sa.Index(
            "ix_dishonest_persons_search",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[DebtorKind] = mapped_column(str_enum(DebtorKind))
    id_number_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    id_number_masked: Mapped[str] = mapped_column(sa.String(32))
    court_name: Mapped[str] = mapped_column(sa.String(200))
    case_number: Mapped[str] = mapped_column(sa.String(64))
    obligation: Mapped[str] = mapped_column(sa.Text, default="")
    listed_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # A court's own listing (auction.disclosure.listings): its case, ground and period; imported
    # entries have none. Removal: when and why; a removed entry leaves the public list at once.
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enforcement_cases.id"))
    ground: Mapped[str | None] = mapped_column(sa.String(40))
    expires_at: Mapped[dt.datetime | None]
    removed_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    removal_reason: Mapped[str | None] = mapped_column(sa.String(16))
    # The identity number sealed with the lists key, for partners only (auction.accounts.sealing).
    id_number_sealed: Mapped[str | None] = mapped_column(sa.Text)
    # What the public search looks in, kept by the database (migration 0015's trigram index).
    search_text: Mapped[str] = mapped_column(sa.Text, sa.Computed(SEARCH_TEXT, persisted=True), deferred=True)


class ListChange(Base):
    """One listing or removal on either list, in the order it happened: the feed partners keep
    an exact copy from (`id` is the cursor). Append-only."""

    __tablename__ = "list_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    op: Mapped[str] = mapped_column(sa.String(8))  # listed | removed
    list: Mapped[str] = mapped_column(sa.String(24))  # dishonest | consumption_restricted
    entry_id: Mapped[int] = mapped_column(sa.BigInteger)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(8))  # natural | legal
    id_number_masked: Mapped[str] = mapped_column(sa.String(32))
    id_number_sealed: Mapped[str | None] = mapped_column(sa.Text)
    detail: Mapped[str] = mapped_column(sa.String(40), default="")  # the ground, role or reason
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Partner(Base):
    """An institution that acts on the lists (a railway, an airline, a bank, a credit platform)."""

    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(40), default="")
    scopes: Mapped[list[str]] = mapped_column(postgresql.ARRAY(sa.String(8)))
    push_url: Mapped[str | None] = mapped_column(sa.Text)
    # The secret pushes are signed with (HMAC-SHA256), sealed with the lists key; shown once.
    push_secret_sealed: Mapped[str | None] = mapped_column(sa.Text)
    # The last change when the partner was made: its pushes start after it (earlier ones are in
    # the feed), found without reading the lists' whole history.
    pushes_after: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]


class PartnerKey(Base):
    """A partner's API key, kept as its SHA-256 (shown once when made)."""

    __tablename__ = "partner_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]


class PartnerRead(Base):
    """Every partner read: who asked, when, about whom (hashed to match, masked to show), and
    what was answered. Append-only: a listed person sees who checked them."""

    __tablename__ = "partner_reads"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"))
    key_id: Mapped[int] = mapped_column(sa.ForeignKey("partner_keys.id"))
    endpoint: Mapped[str] = mapped_column(sa.String(16))  # check | feed
    subject_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    subject_masked: Mapped[str | None] = mapped_column(sa.String(32))
    answer: Mapped[str] = mapped_column(sa.Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PartnerDelivery(Base):
    """One change pushed to one partner: retried with backoff until the partner's endpoint
    answers 2xx, each partner's changes in order (`auction.disclosure.pushes`)."""

    __tablename__ = "partner_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("partner_id", "change_id"),
        # Each partner's queue: its oldest pending change at once, however many were delivered.
        sa.Index(
            "ix_partner_deliveries_pending",
            "partner_id",
            "change_id",
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("partners.id"))
    change_id: Mapped[int] = mapped_column(sa.ForeignKey("list_changes.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")  # pending | delivered
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
