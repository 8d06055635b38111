"""Case subscriptions, notifications and property clues; cases get updated_at for export cursors.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 11:16:43.973817
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_subscriptions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("channels", postgresql.ARRAY(sa.String(length=16)), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_cases.id"],
            name=op.f("fk_case_subscriptions_case_id_enforcement_cases"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_subscriptions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_subscriptions")),
        sa.UniqueConstraint("user_id", "case_id", name=op.f("uq_case_subscriptions_user_id_case_id")),
    )
    op.create_index(op.f("ix_case_subscriptions_case_id"), "case_subscriptions", ["case_id"], unique=False)
    op.create_index(op.f("ix_case_subscriptions_user_id"), "case_subscriptions", ["user_id"], unique=False)
    op.create_table(
        "clues",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("reporter_user_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("attachment_name", sa.String(length=100), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "verified",
                "useless",
                "acted_on",
                name="cluestatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("court_note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["enforcement_cases.id"], name=op.f("fk_clues_case_id_enforcement_cases")
        ),
        sa.ForeignKeyConstraint(
            ["reporter_user_id"], ["users.id"], name=op.f("fk_clues_reporter_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clues")),
    )
    op.create_index(op.f("ix_clues_case_id"), "clues", ["case_id"], unique=False)
    op.create_index(op.f("ix_clues_reporter_user_id"), "clues", ["reporter_user_id"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("subscription_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("timeline_event_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "in_app", "email", "sms", name="channel", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "delivered",
                "failed",
                name="deliverystatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["enforcement_cases.id"], name=op.f("fk_notifications_case_id_enforcement_cases")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["case_subscriptions.id"],
            name=op.f("fk_notifications_subscription_id_case_subscriptions"),
        ),
        sa.ForeignKeyConstraint(
            ["timeline_event_id"],
            ["timeline_events.id"],
            name=op.f("fk_notifications_timeline_event_id_timeline_events"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint(
            "subscription_id",
            "timeline_event_id",
            "channel",
            name=op.f("uq_notifications_subscription_id_timeline_event_id_channel"),
        ),
    )
    op.create_index("ix_notifications_due", "notifications", ["status", "next_attempt_at"], unique=False)
    op.create_index(
        op.f("ix_notifications_subscription_id"), "notifications", ["subscription_id"], unique=False
    )
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user_id"], unique=False)
    op.add_column(
        "enforcement_cases",
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index(
        op.f("ix_enforcement_cases_updated_at"), "enforcement_cases", ["updated_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_enforcement_cases_updated_at"), table_name="enforcement_cases")
    op.drop_column("enforcement_cases", "updated_at")
    op.drop_index(op.f("ix_notifications_user_id"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_subscription_id"), table_name="notifications")
    op.drop_index("ix_notifications_due", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index(op.f("ix_clues_reporter_user_id"), table_name="clues")
    op.drop_index(op.f("ix_clues_case_id"), table_name="clues")
    op.drop_table("clues")
    op.drop_index(op.f("ix_case_subscriptions_user_id"), table_name="case_subscriptions")
    op.drop_index(op.f("ix_case_subscriptions_case_id"), table_name="case_subscriptions")
    op.drop_table("case_subscriptions")
