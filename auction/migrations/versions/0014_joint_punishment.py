"""The lists' whole life (RULES.md "The lists"): court listings on the dishonest list with their
ground and period, consumption-restriction orders naming a company's people, removals with
their reason, the change feed partners copy the lists from, partner institutions with hashed
keys, and the audit of every partner read. Identity numbers partners match on are sealed
(encrypted with the settings' lists key), never in clear.

What it does with existing data: imported dishonest entries and existing restrictions stay
listed as they are (no ground, no period, no sealed number: an import never had one); a lifted
restriction counts as removed (`error` is not assumed: its removal reason stays empty).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = ("subject", "legal_representative", "actual_controller")
ROLES_AFTER = (*ROLES_BEFORE, "principal", "responsible_person")


def _roles(values: tuple[str, ...]) -> None:
    op.drop_constraint(
        op.f("ck_consumption_restrictions_restrictedrole"), "consumption_restrictions", type_="check"
    )
    allowed = ", ".join(f"'{value}'" for value in values)
    op.create_check_constraint(
        op.f("ck_consumption_restrictions_restrictedrole"), "consumption_restrictions", f"role IN ({allowed})"
    )


def upgrade() -> None:
    _roles(ROLES_AFTER)
    op.add_column("enforcement_cases", sa.Column("debtor_id_number_sealed", sa.Text(), nullable=True))
    for table in ("dishonest_persons", "consumption_restrictions"):
        op.add_column(table, sa.Column("case_id", sa.BigInteger(), nullable=True))
        op.create_foreign_key(
            f"fk_{table}_case_id_enforcement_cases", table, "enforcement_cases", ["case_id"], ["id"]
        )
        op.add_column(table, sa.Column("id_number_sealed", sa.Text(), nullable=True))
        op.add_column(table, sa.Column("removal_reason", sa.String(length=16), nullable=True))
    op.add_column("dishonest_persons", sa.Column("ground", sa.String(length=40), nullable=True))
    op.add_column("dishonest_persons", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("dishonest_persons", sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        op.f("ix_dishonest_persons_removed_at"), "dishonest_persons", ["removed_at"], unique=False
    )
    op.create_table(
        "list_changes",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("list", sa.String(length=24), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("id_number_masked", sa.String(length=32), nullable=False),
        sa.Column("id_number_sealed", sa.Text(), nullable=True),
        sa.Column("detail", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_changes")),
    )
    op.create_table(
        "partners",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("scopes", postgresql.ARRAY(sa.String(length=8)), nullable=False),
        sa.Column("push_url", sa.Text(), nullable=True),
        sa.Column("push_secret_sealed", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
    )
    op.create_table(
        "partner_keys",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("partner_id", sa.BigInteger(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_keys_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_partner_keys_key_hash")),
    )
    op.create_index(op.f("ix_partner_keys_partner_id"), "partner_keys", ["partner_id"], unique=False)
    op.create_table(
        "partner_reads",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("partner_id", sa.BigInteger(), nullable=False),
        sa.Column("key_id", sa.BigInteger(), nullable=False),
        sa.Column("endpoint", sa.String(length=16), nullable=False),
        sa.Column("subject_hash", sa.String(length=64), nullable=True),
        sa.Column("subject_masked", sa.String(length=32), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_reads_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["key_id"], ["partner_keys.id"], name=op.f("fk_partner_reads_key_id_partner_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_reads")),
    )
    op.create_index(op.f("ix_partner_reads_subject_hash"), "partner_reads", ["subject_hash"], unique=False)
    op.create_table(
        "partner_deliveries",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("partner_id", sa.BigInteger(), nullable=False),
        sa.Column("change_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_deliveries_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["change_id"], ["list_changes.id"], name=op.f("fk_partner_deliveries_change_id_list_changes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_deliveries")),
        sa.UniqueConstraint(
            "partner_id", "change_id", name=op.f("uq_partner_deliveries_partner_id_change_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("partner_deliveries")
    op.drop_index(op.f("ix_partner_reads_subject_hash"), table_name="partner_reads")
    op.drop_table("partner_reads")
    op.drop_index(op.f("ix_partner_keys_partner_id"), table_name="partner_keys")
    op.drop_table("partner_keys")
    op.drop_table("partners")
    op.drop_table("list_changes")
    op.drop_index(op.f("ix_dishonest_persons_removed_at"), table_name="dishonest_persons")
    for column in ("removed_at", "expires_at", "ground"):
        op.drop_column("dishonest_persons", column)
    for table in ("dishonest_persons", "consumption_restrictions"):
        op.drop_column(table, "removal_reason")
        op.drop_column(table, "id_number_sealed")
        op.drop_constraint(f"fk_{table}_case_id_enforcement_cases", table, type_="foreignkey")
        op.drop_column(table, "case_id")
    op.drop_column("enforcement_cases", "debtor_id_number_sealed")
    op.execute("DELETE FROM consumption_restrictions WHERE role IN ('principal', 'responsible_person')")
    _roles(ROLES_BEFORE)
