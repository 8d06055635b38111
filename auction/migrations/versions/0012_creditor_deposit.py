"""A creditor of the case registers without a deposit when their claim covers it (art. 17): the
registration names the claim.

What it does with existing data: nothing; every existing deposit was paid.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("registrations", sa.Column("deposit_claim_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        "fk_registrations_deposit_claim_id_claims", "registrations", "claims", ["deposit_claim_id"], ["id"]
    )


def downgrade() -> None:
    op.drop_constraint("fk_registrations_deposit_claim_id_claims", "registrations", type_="foreignkey")
    op.drop_column("registrations", "deposit_claim_id")
