"""Notices to the parties and known priority holders before the announcement (art. 16), and a
priority holder's waiver when notified and not registered by the close.

What it does with existing data: nothing; existing lots have no recorded notices (an existing
draft published under spc2016 needs them first) and no holder has waived.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "party_notices",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("party", sa.String(length=16), nullable=False),
        sa.Column("party_ref", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("means", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_party_notices_lot_id_lots")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_party_notices_user_id_users")),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_party_notices_recorded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_notices")),
    )
    op.create_index(op.f("ix_party_notices_lot_id"), "party_notices", ["lot_id"], unique=False)
    op.create_index(op.f("ix_party_notices_user_id"), "party_notices", ["user_id"], unique=False)
    op.add_column("priority_holders", sa.Column("waived_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("priority_holders", "waived_at")
    op.drop_table("party_notices")
