"""Company accounts: a legal person signs up with its unified social credit code (its identity,
held like an identity number: keyed hash and masked form) and its legal representative.

What it does with existing data: every existing account is a natural person (`kind` natural),
with no representative.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column(
            "kind",
            sa.Enum(
                "natural", "legal", name="accountkind", native_enum=False, create_constraint=True, length=32
            ),
            server_default="natural",
            nullable=False,
        ),
    )
    op.add_column("users", sa.Column("representative_name", sa.String(length=100), nullable=True))
    op.add_column("users", sa.Column("representative_id_hash", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("representative_id_masked", sa.String(length=32), nullable=True))
    op.create_index(
        op.f("ix_users_representative_id_hash"), "users", ["representative_id_hash"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_users_representative_id_hash"), table_name="users")
    for column in ("representative_id_masked", "representative_id_hash", "representative_name", "kind"):
        op.drop_column("users", column)
