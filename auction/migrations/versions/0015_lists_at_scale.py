"""The lists at the national site's scale (6.5 million dishonest persons, 4 million subjects):
the public search by name, case number or masked number finds a substring through a trigram
index over a `search_text` column the database keeps (generated from those three) instead of
reading every row, a one- or two-character query (a surname, a short name)
finds names that begin with it through a pattern index, the exports' cursor order
(updated_at, id) is an index rather than a sort of the whole list, the lists' clock finds the
entries whose period ran out through a partial index (it read all 6.5 million every minute, in
every worker: half a second of both cores, a stall of every partner's check), and a push partner knows the
last change before it was made (`partners.pushes_after`) instead of the push loop searching the
lists' whole history for it every second, and finds each partner's oldest pending delivery
through a partial index (it walked every delivered one first: 200 pushes a second after a
million-row import, slower with each).

What it does with existing data: computes `search_text` for every row (a rewrite of both
tables: minutes at the national scale, under a lock), gives each existing partner the last
change made before it, and builds indexes (pg_trgm is a trusted extension: the
database's owner may create it). A server without PostgreSQL's contrib extensions (the embedded
server of `make run` has none) gets no trigram index: the search works and reads the whole list
(docs/operations.md).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Kept by the database; the models name the same expressions (sa.Computed).
SEARCH_TEXT = {
    "dishonest_persons": "name || ' ' || case_number || ' ' || id_number_masked",
    "enforcement_cases": "debtor_name || ' ' || case_number || ' ' || coalesce(debtor_id_number_masked, '')",
}


def upgrade() -> None:
    for table, expression in SEARCH_TEXT.items():
        op.add_column(table, sa.Column("search_text", sa.Text, sa.Computed(expression, persisted=True)))
    if op.get_bind().scalar(sa.text("SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'")):
        _trigram_indexes()
    op.drop_index("ix_dishonest_persons_name", table_name="dishonest_persons")
    for index, table, column in (
        ("ix_dishonest_persons_name", "dishonest_persons", "name"),
        ("ix_enforcement_cases_debtor_name", "enforcement_cases", "debtor_name"),
    ):
        op.execute(f"CREATE INDEX {index} ON {table} ({column} text_pattern_ops)")
    op.create_index("ix_dishonest_persons_updated_at_id", "dishonest_persons", ["updated_at", "id"])
    op.create_index(
        "ix_dishonest_persons_expiring",
        "dishonest_persons",
        ["expires_at"],
        postgresql_where=sa.text("removed_at IS NULL AND expires_at IS NOT NULL"),
    )
    op.create_index(
        "ix_partner_deliveries_pending",
        "partner_deliveries",
        ["partner_id", "change_id"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.add_column("partners", sa.Column("pushes_after", sa.BigInteger, nullable=False, server_default="0"))
    op.alter_column("partners", "pushes_after", server_default=None)
    op.execute(
        "UPDATE partners p SET pushes_after = COALESCE("
        "(SELECT max(c.id) FROM list_changes c WHERE c.at < p.created_at), 0)"
    )


def _trigram_indexes() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in SEARCH_TEXT:
        op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    op.drop_index("ix_partner_deliveries_pending", table_name="partner_deliveries")
    op.drop_index("ix_dishonest_persons_expiring", table_name="dishonest_persons")
    op.drop_column("partners", "pushes_after")
    op.drop_index("ix_dishonest_persons_updated_at_id", table_name="dishonest_persons")
    op.drop_index("ix_enforcement_cases_debtor_name", table_name="enforcement_cases")
    op.drop_index("ix_dishonest_persons_name", table_name="dishonest_persons")
    op.create_index("ix_dishonest_persons_name", "dishonest_persons", ["name"])
    op.execute("DROP INDEX IF EXISTS ix_enforcement_cases_search")
    op.execute("DROP INDEX IF EXISTS ix_dishonest_persons_search")
    for table in SEARCH_TEXT:
        op.drop_column(table, "search_text")
