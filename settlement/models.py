"""Settlement's tables: the double-entry ledger and allocation plans.

Foreign keys to the auction context's tables are by table name only; no import.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, str_enum, utcnow
from settlement.enums import AccountKind, ClaimKind, EntrySide, ObjectionStatus, PlanStatus


class LedgerAccount(Base):
    """An account; its balance is always derived from its entries, never stored."""

    __tablename__ = "ledger_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(80), unique=True)  # e.g. "case:12:escrow"
    kind: Mapped[AccountKind] = mapped_column(str_enum(AccountKind))
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LedgerTransaction(Base):
    """One balanced posting. Never edited: a mistake is corrected by a reversing transaction."""

    __tablename__ = "ledger_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # deposit_frozen, deposit_refunded, …
    memo: Mapped[str] = mapped_column(sa.Text, default="")
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_transactions.id"), unique=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enforcement_cases.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_transactions.id"), index=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("ledger_accounts.id"), index=True)
    side: Mapped[EntrySide] = mapped_column(str_enum(EntrySide))
    amount: Mapped[int]


class AllocationPlan(Base):
    __tablename__ = "allocation_plans"
    __table_args__ = (
        sa.CheckConstraint("proceeds >= 0", name="proceeds_nonnegative"),
        sa.CheckConstraint("enforcement_fee >= 0", name="fee_nonnegative"),
        sa.CheckConstraint("remainder_to_debtor >= 0", name="remainder_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("enforcement_cases.id"), index=True)
    status: Mapped[PlanStatus] = mapped_column(str_enum(PlanStatus), default=PlanStatus.DRAFT)
    proceeds: Mapped[int]
    enforcement_fee: Mapped[int]
    # The amount enforced by this plan: the base of the fee, which is charged on the case's
    # cumulative amount enforced (this plan's base plus every earlier disbursed plan's).
    fee_base: Mapped[int] = mapped_column(default=0, server_default="0")
    remainder_to_debtor: Mapped[int]
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]
    objection_deadline: Mapped[dt.datetime | None]
    finalized_at: Mapped[dt.datetime | None]
    disbursed_at: Mapped[dt.datetime | None]


class AllocationProceeds(Base):
    """What one plan distributes from one lot: its sale price or its forfeited deposit."""

    __tablename__ = "allocation_proceeds"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "lot_id", "source"),
        sa.CheckConstraint("amount >= 0", name="amount_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("allocation_plans.id"), index=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    property_id: Mapped[int] = mapped_column(sa.ForeignKey("properties.id"))
    source: Mapped[str] = mapped_column(sa.String(16))  # "sale" | "forfeit"
    amount: Mapped[int]


class AllocationCost(Base):
    __tablename__ = "allocation_costs"
    __table_args__ = (sa.CheckConstraint("amount >= 0", name="amount_nonnegative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("allocation_plans.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    amount: Mapped[int]
    allocated: Mapped[int]  # what the proceeds could cover of it
    frozen: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


class AllocationLine(Base):
    """One claim's share in a plan, with the rule that put it there."""

    __tablename__ = "allocation_lines"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "claim_id"),
        sa.CheckConstraint("claimed > 0", name="claimed_positive"),
        sa.CheckConstraint("allocated >= 0 AND allocated <= claimed", name="allocated_within_claim"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("allocation_plans.id"), index=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"))
    position: Mapped[int]
    creditor_name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[ClaimKind] = mapped_column(str_enum(ClaimKind))
    rank: Mapped[int | None]
    claimed: Mapped[int]
    allocated: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(200))
    frozen: Mapped[bool] = mapped_column(default=False)


class Objection(Base):
    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("allocation_plans.id"), index=True)
    creditor_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    disputed_claim_ids: Mapped[list[int]] = mapped_column(
        ARRAY(sa.BigInteger), default=list, server_default=sa.text("'{}'")
    )
    disputed_cost_ids: Mapped[list[int]] = mapped_column(
        ARRAY(sa.BigInteger), default=list, server_default=sa.text("'{}'")
    )
    status: Mapped[ObjectionStatus] = mapped_column(str_enum(ObjectionStatus), default=ObjectionStatus.OPEN)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
