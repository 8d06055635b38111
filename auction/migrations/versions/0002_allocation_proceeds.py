"""Allocation plans record which lots they distribute; objections name the disputed claims.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:43:29.632151
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "allocation_proceeds",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("property_id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_allocation_proceeds_amount_nonnegative")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_allocation_proceeds_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["allocation_plans.id"], name=op.f("fk_allocation_proceeds_plan_id_allocation_plans")
        ),
        sa.ForeignKeyConstraint(
            ["property_id"], ["properties.id"], name=op.f("fk_allocation_proceeds_property_id_properties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_proceeds")),
        sa.UniqueConstraint(
            "plan_id", "lot_id", "source", name=op.f("uq_allocation_proceeds_plan_id_lot_id_source")
        ),
    )
    op.create_index(op.f("ix_allocation_proceeds_lot_id"), "allocation_proceeds", ["lot_id"], unique=False)
    op.create_index(op.f("ix_allocation_proceeds_plan_id"), "allocation_proceeds", ["plan_id"], unique=False)
    op.add_column(
        "objections",
        sa.Column(
            "disputed_claim_ids",
            postgresql.ARRAY(sa.BigInteger()),
            nullable=False,
            server_default=sa.text("'{}'"),
        ),
    )


def downgrade() -> None:
    op.drop_column("objections", "disputed_claim_ids")
    op.drop_index(op.f("ix_allocation_proceeds_plan_id"), table_name="allocation_proceeds")
    op.drop_index(op.f("ix_allocation_proceeds_lot_id"), table_name="allocation_proceeds")
    op.drop_table("allocation_proceeds")
