"""Enforcement cases, their claims, seized property and the case timeline."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from auction.enums import CaseStatus, Category, FileKind, TimelineKind
from core.db import Base, str_enum, utcnow
from settlement.enums import ClaimKind, DebtorKind

CASE_SEARCH_TEXT = "debtor_name || ' ' || case_number || ' ' || coalesce(debtor_id_number_masked, '')"


class EnforcementCase(Base):
    __tablename__ = "enforcement_cases"
    __table_args__ = (
        sa.UniqueConstraint("court_id", "case_number"),
        # Names by prefix for the public search (migration 0015, beside its trigram index).
        sa.Index(
            "ix_enforcement_cases_debtor_name",
            "debtor_name",
            postgresql_ops={"debtor_name": "text_pattern_ops"},
        ),
        sa.Index(
            "ix_enforcement_cases_search",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(sa.ForeignKey("courts.id"), index=True)
    case_number: Mapped[str] = mapped_column(sa.String(64))
    debtor_name: Mapped[str] = mapped_column(sa.String(200))
    debtor_kind: Mapped[DebtorKind] = mapped_column(str_enum(DebtorKind))
    debtor_id_number_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    debtor_id_number_masked: Mapped[str | None] = mapped_column(sa.String(32))
    # Sealed with the lists key: a listed debtor's number reaches the partners that match on it.
    debtor_id_number_sealed: Mapped[str | None] = mapped_column(sa.Text)
    debtor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[CaseStatus] = mapped_column(str_enum(CaseStatus), default=CaseStatus.OPEN)
    filed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # What the public lists show changed: the export cursor (updated_since) follows it.
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    # What the public search looks in, kept by the database (migration 0015's trigram index).
    search_text: Mapped[str] = mapped_column(
        sa.Text, sa.Computed(CASE_SEARCH_TEXT, persisted=True), deferred=True
    )


class Property(Base):
    __tablename__ = "properties"
    __table_args__ = (sa.CheckConstraint("appraised_value >= 0", name="appraised_value_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("enforcement_cases.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    category: Mapped[Category] = mapped_column(str_enum(Category))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    location: Mapped[str | None] = mapped_column(sa.String(300))
    appraised_value: Mapped[int]
    seized_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PropertyFile(Base):
    """A photo or document, stored on disk under the data folder; the row keeps its metadata."""

    __tablename__ = "property_files"
    __table_args__ = (sa.CheckConstraint("size_bytes >= 0", name="size_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(sa.ForeignKey("properties.id"), index=True)
    kind: Mapped[FileKind] = mapped_column(str_enum(FileKind))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Claim(Base):
    """A creditor's claim in a case; a user linked here is that claim's creditor."""

    __tablename__ = "claims"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("kind <> 'secured' OR property_id IS NOT NULL", name="secured_on_property"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("enforcement_cases.id"), index=True)
    creditor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    creditor_name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ClaimKind] = mapped_column(str_enum(ClaimKind))
    amount: Mapped[int]
    rank: Mapped[int | None]  # registration order of a security; 1 is first
    property_id: Mapped[int | None] = mapped_column(sa.ForeignKey("properties.id"))
    seized_at: Mapped[dt.datetime | None]  # seizure order ranks ordinary claims against a legal person
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TimelineEvent(Base):
    """A node of a case's progress, recorded by the lifecycle itself. Append-only."""

    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("enforcement_cases.id"), index=True)
    kind: Mapped[TimelineKind] = mapped_column(str_enum(TimelineKind))
    lot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lots.id"))
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
