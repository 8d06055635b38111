"""Who may bid: persons the court bars (art. 34), the consumption-restriction list, and on a
registration the housing undertaking and the mark of one found barred after registering.

What it does with existing data: nothing is changed. Both lists start empty; existing
registrations carry no undertaking and stay eligible. The timeline gains the node
`bidder_barred`.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


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
)
TIMELINE_AFTER = (*TIMELINE_BEFORE, "bidder_barred")


def _timeline_kinds(values: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_timeline_events_timelinekind"), "timeline_events", type_="check")
    allowed = ", ".join(f"'{value}'" for value in values)
    op.create_check_constraint(
        op.f("ck_timeline_events_timelinekind"), "timeline_events", f"kind IN ({allowed})"
    )


def upgrade() -> None:
    _timeline_kinds(TIMELINE_AFTER)
    op.create_table(
        "barred_persons",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("court_id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=32), nullable=False),
        sa.Column(
            "relation",
            _enum("barrelation", "court_staff", "platform_staff", "appraiser", "agency", "relative", "other"),
            nullable=False,
        ),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"], name=op.f("fk_barred_persons_court_id_courts")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_barred_persons_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_barred_persons_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_barred_persons")),
    )
    op.create_index(op.f("ix_barred_persons_court_id"), "barred_persons", ["court_id"], unique=False)
    op.create_index(op.f("ix_barred_persons_lot_id"), "barred_persons", ["lot_id"], unique=False)
    op.create_index(
        op.f("ix_barred_persons_id_number_hash"), "barred_persons", ["id_number_hash"], unique=False
    )
    op.create_table(
        "consumption_restrictions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("case_number", sa.String(length=64), nullable=False),
        sa.Column("court_name", sa.String(length=200), nullable=False),
        sa.Column("subject_name", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            _enum("restrictedrole", "subject", "legal_representative", "actual_controller"),
            nullable=False,
        ),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=32), nullable=False),
        sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consumption_restrictions")),
    )
    op.create_index(
        op.f("ix_consumption_restrictions_id_number_hash"),
        "consumption_restrictions",
        ["id_number_hash"],
        unique=False,
    )
    op.add_column("registrations", sa.Column("undertaking_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("registrations", sa.Column("ineligible_reason", sa.String(length=32), nullable=True))
    op.add_column("registrations", sa.Column("ineligible_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM timeline_events WHERE kind = 'bidder_barred'")
    _timeline_kinds(TIMELINE_BEFORE)
    for column in ("ineligible_at", "ineligible_reason", "undertaking_at"):
        op.drop_column("registrations", column)
    op.drop_table("consumption_restrictions")
    op.drop_table("barred_persons")
