"""Creditors may object to the cost lines of an allocation plan, not only to claims' lines.

What it does with existing data: nothing is changed. Existing objections dispute no cost line
(`disputed_cost_ids` is empty) and no cost line is frozen.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "objections",
        sa.Column(
            "disputed_cost_ids",
            postgresql.ARRAY(sa.BigInteger()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
    )
    op.add_column(
        "allocation_costs", sa.Column("frozen", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("allocation_costs", "frozen")
    op.drop_column("objections", "disputed_cost_ids")
