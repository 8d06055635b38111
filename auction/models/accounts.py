"""Courts, users and API tokens."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from auction.enums import AccountKind, Role
from core.db import Base, str_enum, utcnow


class Court(Base):
    __tablename__ = "courts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    province: Mapped[str | None] = mapped_column(sa.String(50))
    # Named in every announcement (art. 14 (10)); the national hotline 12368 where it is not set.
    supervision_phone: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class User(Base):
    """An account. Identity numbers are never stored in clear: a keyed hash and a masked form."""

    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role <> 'court_staff' OR court_id IS NOT NULL", name="staff_has_court"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    court_id: Mapped[int | None] = mapped_column(sa.ForeignKey("courts.id"))
    real_name: Mapped[str] = mapped_column(sa.String(100))
    id_number_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    id_number_masked: Mapped[str | None] = mapped_column(sa.String(32))
    # A legal person's identity is its credit code (in id_number_hash); its legal representative
    # is recorded beside it, and barred or listed like any identity.
    kind: Mapped[AccountKind] = mapped_column(str_enum(AccountKind), default=AccountKind.NATURAL)
    representative_name: Mapped[str | None] = mapped_column(sa.String(100))
    representative_id_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    representative_id_masked: Mapped[str | None] = mapped_column(sa.String(32))
    is_active: Mapped[bool] = mapped_column(default=True)
    # An account opened with an identity another account already held, before one identity could
    # hold one account only (migration 0005): deactivated, kept, pointing at the holder.
    duplicate_of: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# Usernames are unique regardless of case, so "Court1" cannot impersonate "court1".
sa.Index("uq_users_username_lower", sa.func.lower(User.username), unique=True)
# One identity (identity number or credit code), one account.
sa.Index(
    "uq_users_identity",
    User.id_number_hash,
    unique=True,
    postgresql_where=sa.and_(User.id_number_hash.is_not(None), User.duplicate_of.is_(None)),
)


class ApiToken(Base):
    """A revocable bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
