"""Agents (art. 14 (2)): a registered bidder's agent, with the power of attorney, confirmed by
the court before bidding starts.

What it does with existing data: nothing; the table starts empty.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agent_authorisations",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("registration_id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("agent_user_id", sa.BigInteger(), nullable=False),
        sa.Column("document_name", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("confirmed_by", sa.BigInteger(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_agent_authorisations_registration_id_registrations"),
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_agent_authorisations_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["agent_user_id"], ["users.id"], name=op.f("fk_agent_authorisations_agent_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by"], ["users.id"], name=op.f("fk_agent_authorisations_confirmed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_authorisations")),
        sa.UniqueConstraint(
            "registration_id",
            "agent_user_id",
            name=op.f("uq_agent_authorisations_registration_id_agent_user_id"),
        ),
    )
    for column in ("registration_id", "lot_id", "agent_user_id"):
        op.create_index(
            op.f(f"ix_agent_authorisations_{column}"), "agent_authorisations", [column], unique=False
        )


def downgrade() -> None:
    op.drop_table("agent_authorisations")
