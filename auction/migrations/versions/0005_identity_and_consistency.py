"""One identity, one account; the engine change a court action owes; notice titles of any length;
each plan's fee base.

What it does with existing data:
- Accounts sharing an identity number: the oldest keeps it; every later one is deactivated and
  points at it (`duplicate_of`). Nothing is deleted: their registrations, bids and payments stay,
  and a default by any of them bars the identity.
- Registrations learn their bidder's identity. Where two accounts of one identity registered for
  the same lot (what the rule now forbids), the earliest registration keeps the identity and the
  later ones keep none (they stay, as they were, in the record).
- Allocation plans get `fee_base`, the amount enforced they charged the fee on: recomputed for
  existing plans as min(proceeds − costs covered, what the lines claimed).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("announcements", "title_zh", type_=sa.Text(), existing_type=sa.String(300))
    op.alter_column("announcements", "title_en", type_=sa.Text(), existing_type=sa.String(300))

    op.add_column("users", sa.Column("duplicate_of", sa.BigInteger(), nullable=True))
    op.create_foreign_key(op.f("fk_users_duplicate_of_users"), "users", "users", ["duplicate_of"], ["id"])
    op.execute(
        """
        UPDATE users AS u SET duplicate_of = holder.id, is_active = false
        FROM (SELECT id_number_hash, min(id) AS id FROM users
              WHERE id_number_hash IS NOT NULL GROUP BY id_number_hash HAVING count(*) > 1) AS holder
        WHERE u.id_number_hash = holder.id_number_hash AND u.id <> holder.id
        """
    )
    op.create_index(
        "uq_users_identity",
        "users",
        ["id_number_hash"],
        unique=True,
        postgresql_where=sa.text("id_number_hash IS NOT NULL AND duplicate_of IS NULL"),
    )

    op.add_column("registrations", sa.Column("identity_hash", sa.String(length=64), nullable=True))
    op.execute(
        """
        UPDATE registrations AS r SET identity_hash = u.id_number_hash
        FROM users AS u
        WHERE u.id = r.user_id AND u.id_number_hash IS NOT NULL
          AND r.id = (SELECT min(r2.id) FROM registrations r2 JOIN users u2 ON u2.id = r2.user_id
                      WHERE r2.lot_id = r.lot_id AND u2.id_number_hash = u.id_number_hash)
        """
    )
    op.create_index(op.f("ix_registrations_identity_hash"), "registrations", ["identity_hash"], unique=False)
    op.create_unique_constraint(
        op.f("uq_registrations_lot_id_identity_hash"), "registrations", ["lot_id", "identity_hash"]
    )

    op.add_column("lots", sa.Column("engine_pending", sa.String(length=16), nullable=True))

    op.add_column(
        "allocation_plans", sa.Column("fee_base", sa.BigInteger(), server_default="0", nullable=False)
    )
    op.execute(
        """
        UPDATE allocation_plans AS p SET fee_base = GREATEST(0, LEAST(
            p.proceeds
              - COALESCE((SELECT sum(c.allocated) FROM allocation_costs c WHERE c.plan_id = p.id), 0),
            COALESCE((SELECT sum(l.claimed) FROM allocation_lines l WHERE l.plan_id = p.id), 0)))
        """
    )


def downgrade() -> None:
    op.drop_column("allocation_plans", "fee_base")
    op.drop_column("lots", "engine_pending")
    op.drop_constraint(op.f("uq_registrations_lot_id_identity_hash"), "registrations", type_="unique")
    op.drop_index(op.f("ix_registrations_identity_hash"), table_name="registrations")
    op.drop_column("registrations", "identity_hash")
    op.drop_index("uq_users_identity", table_name="users")
    op.drop_constraint(op.f("fk_users_duplicate_of_users"), "users", type_="foreignkey")
    op.drop_column("users", "duplicate_of")
    op.alter_column("announcements", "title_en", type_=sa.String(300), existing_type=sa.Text())
    op.alter_column("announcements", "title_zh", type_=sa.String(300), existing_type=sa.Text())
