"""The lawful listing: the announcement's disclosures, the housing purchase limit, and the
approval of the terms by a second staff member (the Provisions arts. 12–15 and 27).

Priority holders gain the kind of their right (art. 14 (6)); courts their supervision line.

What it does with existing data: nothing is changed, except that existing priority holders'
right is recorded as `other` (the kind was never asked). Existing lots have no disclosure and no
approval; they keep their status (an announced lot stays announced), and a draft among them
needs both before it can be published.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("lots", sa.Column("disclosure", postgresql.JSONB(), nullable=True))
    op.add_column("lots", sa.Column("purchase_restriction", sa.Text(), nullable=True))
    op.add_column("lots", sa.Column("approved_by", sa.BigInteger(), nullable=True))
    op.add_column("lots", sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("lots", sa.Column("panel_decided_on", sa.Date(), nullable=True))
    op.create_foreign_key("fk_lots_approved_by_users", "lots", "users", ["approved_by"], ["id"])
    op.add_column(
        "priority_holders",
        sa.Column(
            "right",
            sa.Enum(
                "co_owner",
                "tenant",
                "shareholder",
                "other",
                name="priorityright",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            server_default="other",
            nullable=False,
        ),
    )
    op.add_column("courts", sa.Column("supervision_phone", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column("courts", "supervision_phone")
    op.drop_column("priority_holders", "right")
    op.drop_constraint("fk_lots_approved_by_users", "lots", type_="foreignkey")
    for column in ("panel_decided_on", "approved_at", "approved_by", "purchase_restriction", "disclosure"):
        op.drop_column("lots", column)
