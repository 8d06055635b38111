"""Timeline nodes for the objection steps of an allocation plan.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = (
    "registered",
    "measures",
    "seized",
    "appraised",
    "announced",
    "auction_started",
    "sold",
    "failed",
    "paid",
    "defaulted",
    "suspended",
    "resumed",
    "cancelled",
    "allocation_published",
    "distributed",
    "closed",
)
AFTER = (*BEFORE, "objection_filed", "objection_resolved", "allocation_final")


def _check(values: tuple[str, ...]) -> None:
    op.drop_constraint(op.f("ck_timeline_events_timelinekind"), "timeline_events", type_="check")
    allowed = ", ".join(f"'{value}'" for value in values)
    op.create_check_constraint(
        op.f("ck_timeline_events_timelinekind"), "timeline_events", f"kind IN ({allowed})"
    )


def upgrade() -> None:
    _check(AFTER)


def downgrade() -> None:
    added = ", ".join(f"'{value}'" for value in AFTER[len(BEFORE) :])
    op.execute(f"DELETE FROM timeline_events WHERE kind IN ({added})")  # noqa: S608  (constants of this file)
    _check(BEFORE)
