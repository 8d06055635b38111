"""After the hammer (RULES.md "After the hammer"): the creditor-buyer's set-off, the purchase-limit
check, the sale ruling, the hand-over, annulment, deferral, objections to the auction and the engine
whose outages defer a lot; the lot
statuses, timeline nodes and notice kinds they add.

What it does with existing data: nothing; every existing lot keeps its status, and a lot
settled before this revision is ruled by the court like any other (it has no ruling yet).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES_BEFORE = (
    "draft",
    "announced",
    "live",
    "suspended",
    "ended",
    "sold",
    "failed",
    "settled",
    "defaulted",
    "cancelled",
)
STATUSES_AFTER = (*STATUSES_BEFORE, "ruled", "delivered", "annulled", "deferred", "taken_by_creditor")
TIMELINE_BEFORE = (
    "registered",
    "measures",
    "seized",
    "appraised",
    "announced",
    "auction_started",
    "sold",
    "failed",
    "paid",
    "defaulted",
    "suspended",
    "resumed",
    "cancelled",
    "allocation_published",
    "distributed",
    "closed",
    "objection_filed",
    "objection_resolved",
    "allocation_final",
    "bidder_barred",
)
TIMELINE_AFTER = (
    *TIMELINE_BEFORE,
    "qualification",
    "ruled",
    "delivered",
    "annulled",
    "deferred",
    "auction_objection",
    "auction_objection_decided",
    "taken_by_creditor",
)
KINDS_BEFORE = (
    "auction",
    "result",
    "confirmation",
    "suspension",
    "resumption",
    "cancellation",
    "priority_notice",
    "allocation",
    "reward",
)
KINDS_AFTER = (*KINDS_BEFORE, "ruling", "annulment", "deferral", "creditor_takes")
STATUS_FALLBACK = {
    "ruled": "settled",
    "delivered": "settled",
    "annulled": "cancelled",
    "deferred": "suspended",
    "taken_by_creditor": "failed",
}
CHECKS = (
    ("lots", "lotstatus", "status", STATUSES_BEFORE, STATUSES_AFTER),
    ("lot_transitions", "from_status", "from_status", STATUSES_BEFORE, STATUSES_AFTER),
    ("lot_transitions", "to_status", "to_status", STATUSES_BEFORE, STATUSES_AFTER),
    ("timeline_events", "timelinekind", "kind", TIMELINE_BEFORE, TIMELINE_AFTER),
    ("announcements", "announcementkind", "kind", KINDS_BEFORE, KINDS_AFTER),
)
LOT_COLUMNS = (
    ("qualified", sa.Boolean()),
    ("qualification_note", sa.Text()),
    ("qualified_at", sa.DateTime(timezone=True)),
    ("ruled_at", sa.DateTime(timezone=True)),
    ("ruling_served_at", sa.DateTime(timezone=True)),
    ("delivered_at", sa.DateTime(timezone=True)),
    ("annul_ground", sa.String(length=32)),
    ("deferred_until", sa.DateTime(timezone=True)),
    ("deferred_from", sa.String(length=16)),
)


def _check(table: str, name: str, column: str, values: tuple[str, ...]) -> None:
    op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
    allowed = ", ".join(f"'{value}'" for value in values)
    op.create_check_constraint(op.f(f"ck_{table}_{name}"), table, f"{column} IN ({allowed})")


def upgrade() -> None:
    for table, name, column, _, after in CHECKS:
        _check(table, name, column, after)
    for column, kind in LOT_COLUMNS:
        op.add_column("lots", sa.Column(column, kind, nullable=True))
    op.add_column("lots", sa.Column("taken_by_claim_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key("fk_lots_taken_by_claim_id_claims", "lots", "claims", ["taken_by_claim_id"], ["id"])
    op.add_column("registrations", sa.Column("set_off_amount", sa.BigInteger(), nullable=True))
    op.create_check_constraint(
        op.f("ck_registrations_set_off_nonnegative"),
        "registrations",
        "set_off_amount IS NULL OR set_off_amount >= 0",
    )
    op.create_table(
        "auction_objections",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("standing", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("document_names", postgresql.ARRAY(sa.String(length=64)), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_auction_objections_lot_id_lots")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_auction_objections_user_id_users")),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_auction_objections_decided_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auction_objections")),
    )
    op.create_index(op.f("ix_auction_objections_lot_id"), "auction_objections", ["lot_id"], unique=False)
    op.create_table(
        "engine_outages",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("began_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("noticed_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint("ended_at >= began_at", name=op.f("ck_engine_outages_ends_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engine_outages")),
    )
    op.create_index(op.f("ix_engine_outages_ended_at"), "engine_outages", ["ended_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_engine_outages_ended_at"), table_name="engine_outages")
    op.drop_table("engine_outages")
    op.drop_index(op.f("ix_auction_objections_lot_id"), table_name="auction_objections")
    op.drop_table("auction_objections")
    op.drop_constraint(op.f("ck_registrations_set_off_nonnegative"), "registrations", type_="check")
    op.drop_column("registrations", "set_off_amount")
    op.drop_constraint("fk_lots_taken_by_claim_id_claims", "lots", type_="foreignkey")
    op.drop_column("lots", "taken_by_claim_id")
    for column, _ in LOT_COLUMNS:
        op.drop_column("lots", column)
    for table, name, column, before, after in CHECKS:
        if table in ("lots", "lot_transitions"):
            # A status this revision added falls back to the nearest one before it.
            for new, old in STATUS_FALLBACK.items():
                op.execute(f"UPDATE {table} SET {column} = '{old}' WHERE {column} = '{new}'")  # noqa: S608
        else:
            added = ", ".join(f"'{value}'" for value in after[len(before) :])
            op.execute(f"DELETE FROM {table} WHERE {column} IN ({added})")  # noqa: S608  (constants of this file)
        _check(table, name, column, before)
