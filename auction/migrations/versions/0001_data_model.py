"""The whole data model: accounts, cases, lots, bids, disclosure, ledger, allocation plans.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 10:01:16.657688
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "courts",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("province", sa.String(length=50), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courts")),
        sa.UniqueConstraint("code", name=op.f("uq_courts_code")),
    )
    op.create_table(
        "dishonest_persons",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "natural", "legal", name="debtorkind", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=32), nullable=False),
        sa.Column("court_name", sa.String(length=200), nullable=False),
        sa.Column("case_number", sa.String(length=64), nullable=False),
        sa.Column("obligation", sa.Text(), nullable=False),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dishonest_persons")),
        sa.UniqueConstraint(
            "id_number_hash", "case_number", name=op.f("uq_dishonest_persons_id_number_hash_case_number")
        ),
    )
    op.create_index(
        op.f("ix_dishonest_persons_id_number_hash"), "dishonest_persons", ["id_number_hash"], unique=False
    )
    op.create_index(op.f("ix_dishonest_persons_name"), "dishonest_persons", ["name"], unique=False)
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "deposits_held",
                "bidder",
                "case_escrow",
                "court_fees",
                "costs",
                "creditor",
                "debtor",
                "bank",
                name="accountkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_accounts_code")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "bidder",
                "court_staff",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("court_id", sa.BigInteger(), nullable=True),
        sa.Column("real_name", sa.String(length=100), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("id_number_masked", sa.String(length=32), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role <> 'court_staff' OR court_id IS NOT NULL", name=op.f("ck_users_staff_has_court")
        ),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"], name=op.f("fk_users_court_id_courts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_id_number_hash"), "users", ["id_number_hash"], unique=False)
    op.create_index("uq_users_username_lower", "users", [sa.literal_column("lower(username)")], unique=True)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
    op.create_table(
        "enforcement_cases",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("court_id", sa.BigInteger(), nullable=False),
        sa.Column("case_number", sa.String(length=64), nullable=False),
        sa.Column("debtor_name", sa.String(length=200), nullable=False),
        sa.Column(
            "debtor_kind",
            sa.Enum(
                "natural", "legal", name="debtorkind", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("debtor_id_number_hash", sa.String(length=64), nullable=True),
        sa.Column("debtor_id_number_masked", sa.String(length=32), nullable=True),
        sa.Column("debtor_user_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "closed_satisfied",
                "closed_unsatisfied",
                name="casestatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["court_id"], ["courts.id"], name=op.f("fk_enforcement_cases_court_id_courts")
        ),
        sa.ForeignKeyConstraint(
            ["debtor_user_id"], ["users.id"], name=op.f("fk_enforcement_cases_debtor_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enforcement_cases")),
        sa.UniqueConstraint(
            "court_id", "case_number", name=op.f("uq_enforcement_cases_court_id_case_number")
        ),
    )
    op.create_index(op.f("ix_enforcement_cases_court_id"), "enforcement_cases", ["court_id"], unique=False)
    op.create_index(
        op.f("ix_enforcement_cases_debtor_id_number_hash"),
        "enforcement_cases",
        ["debtor_id_number_hash"],
        unique=False,
    )
    op.create_table(
        "allocation_plans",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "final",
                "disbursed",
                name="planstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("proceeds", sa.BigInteger(), nullable=False),
        sa.Column("enforcement_fee", sa.BigInteger(), nullable=False),
        sa.Column("remainder_to_debtor", sa.BigInteger(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("objection_deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finalized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disbursed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("enforcement_fee >= 0", name=op.f("ck_allocation_plans_fee_nonnegative")),
        sa.CheckConstraint("proceeds >= 0", name=op.f("ck_allocation_plans_proceeds_nonnegative")),
        sa.CheckConstraint(
            "remainder_to_debtor >= 0", name=op.f("ck_allocation_plans_remainder_nonnegative")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["enforcement_cases.id"], name=op.f("fk_allocation_plans_case_id_enforcement_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_allocation_plans_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_plans")),
    )
    op.create_index(op.f("ix_allocation_plans_case_id"), "allocation_plans", ["case_id"], unique=False)
    op.create_table(
        "properties",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "real_estate",
                "vehicle",
                "equity",
                "other",
                name="category",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("appraised_value", sa.BigInteger(), nullable=False),
        sa.Column("seized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("appraised_value >= 0", name=op.f("ck_properties_appraised_value_nonnegative")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["enforcement_cases.id"], name=op.f("fk_properties_case_id_enforcement_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_properties")),
    )
    op.create_index(op.f("ix_properties_case_id"), "properties", ["case_id"], unique=False)
    op.create_table(
        "allocation_costs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("allocated", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_allocation_costs_amount_nonnegative")),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["allocation_plans.id"], name=op.f("fk_allocation_costs_plan_id_allocation_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_costs")),
    )
    op.create_index(op.f("ix_allocation_costs_plan_id"), "allocation_costs", ["plan_id"], unique=False)
    op.create_table(
        "claims",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("creditor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("creditor_name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "priority",
                "secured",
                "ordinary",
                name="claimkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.BigInteger(), nullable=True),
        sa.Column("property_id", sa.BigInteger(), nullable=True),
        sa.Column("seized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind <> 'secured' OR property_id IS NOT NULL", name=op.f("ck_claims_secured_on_property")
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_claims_amount_positive")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["enforcement_cases.id"], name=op.f("fk_claims_case_id_enforcement_cases")
        ),
        sa.ForeignKeyConstraint(
            ["creditor_user_id"], ["users.id"], name=op.f("fk_claims_creditor_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["property_id"], ["properties.id"], name=op.f("fk_claims_property_id_properties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
    )
    op.create_index(op.f("ix_claims_case_id"), "claims", ["case_id"], unique=False)
    op.create_index(op.f("ix_claims_creditor_user_id"), "claims", ["creditor_user_id"], unique=False)
    op.create_table(
        "lots",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("property_id", sa.BigInteger(), nullable=False),
        sa.Column("previous_lot_id", sa.BigInteger(), nullable=True),
        sa.Column("round", sa.SmallInteger(), nullable=False),
        sa.Column(
            "sale_kind",
            sa.Enum(
                "auction",
                "fixed_price",
                name="salekind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "announced",
                "live",
                "suspended",
                "ended",
                "sold",
                "failed",
                "settled",
                "defaulted",
                "cancelled",
                name="lotstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("starting_price", sa.BigInteger(), nullable=False),
        sa.Column("increment", sa.BigInteger(), nullable=False),
        sa.Column("deposit", sa.BigInteger(), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("engine_end_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("balance_deadline_days", sa.BigInteger(), nullable=False),
        sa.Column("balance_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_price", sa.BigInteger(), nullable=True),
        sa.Column("winner_registration_id", sa.BigInteger(), nullable=True),
        sa.Column("bid_chain_head", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("deposit > 0", name=op.f("ck_lots_deposit_positive")),
        sa.CheckConstraint("end_at > start_at", name=op.f("ck_lots_ends_after_start")),
        sa.CheckConstraint("increment > 0", name=op.f("ck_lots_increment_positive")),
        sa.CheckConstraint(
            "result_price IS NULL OR result_price > 0", name=op.f("ck_lots_result_price_positive")
        ),
        sa.CheckConstraint("round BETWEEN 1 AND 3", name=op.f("ck_lots_round_range")),
        sa.CheckConstraint("starting_price > 0", name=op.f("ck_lots_starting_price_positive")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_lots_created_by_users")),
        sa.ForeignKeyConstraint(["previous_lot_id"], ["lots.id"], name=op.f("fk_lots_previous_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["property_id"], ["properties.id"], name=op.f("fk_lots_property_id_properties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lots")),
    )
    op.create_index(op.f("ix_lots_property_id"), "lots", ["property_id"], unique=False)
    op.create_index(op.f("ix_lots_status"), "lots", ["status"], unique=False)
    op.create_table(
        "objections",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("creditor_user_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "upheld",
                "dismissed",
                name="objectionstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["creditor_user_id"], ["users.id"], name=op.f("fk_objections_creditor_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["allocation_plans.id"], name=op.f("fk_objections_plan_id_allocation_plans")
        ),
        sa.ForeignKeyConstraint(["resolved_by"], ["users.id"], name=op.f("fk_objections_resolved_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objections")),
    )
    op.create_index(op.f("ix_objections_plan_id"), "objections", ["plan_id"], unique=False)
    op.create_table(
        "property_files",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("property_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "photo", "document", name="filekind", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_property_files_size_nonnegative")),
        sa.ForeignKeyConstraint(
            ["property_id"], ["properties.id"], name=op.f("fk_property_files_property_id_properties")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_property_files")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_property_files_stored_name")),
    )
    op.create_index(op.f("ix_property_files_property_id"), "property_files", ["property_id"], unique=False)
    op.create_table(
        "allocation_lines",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("plan_id", sa.BigInteger(), nullable=False),
        sa.Column("claim_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("creditor_name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "priority",
                "secured",
                "ordinary",
                name="claimkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("rank", sa.BigInteger(), nullable=True),
        sa.Column("claimed", sa.BigInteger(), nullable=False),
        sa.Column("allocated", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "allocated >= 0 AND allocated <= claimed", name=op.f("ck_allocation_lines_allocated_within_claim")
        ),
        sa.CheckConstraint("claimed > 0", name=op.f("ck_allocation_lines_claimed_positive")),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_allocation_lines_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["allocation_plans.id"], name=op.f("fk_allocation_lines_plan_id_allocation_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocation_lines")),
        sa.UniqueConstraint("plan_id", "claim_id", name=op.f("uq_allocation_lines_plan_id_claim_id")),
    )
    op.create_index(op.f("ix_allocation_lines_plan_id"), "allocation_lines", ["plan_id"], unique=False)
    op.create_table(
        "announcements",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "auction",
                "result",
                "confirmation",
                "suspension",
                "resumption",
                "cancellation",
                "priority_notice",
                "allocation",
                "reward",
                name="announcementkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("court_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("lot_id", sa.BigInteger(), nullable=True),
        sa.Column("title_zh", sa.String(length=300), nullable=False),
        sa.Column("title_en", sa.String(length=300), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("body_en", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["enforcement_cases.id"], name=op.f("fk_announcements_case_id_enforcement_cases")
        ),
        sa.ForeignKeyConstraint(["court_id"], ["courts.id"], name=op.f("fk_announcements_court_id_courts")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_announcements_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_index(op.f("ix_announcements_court_id"), "announcements", ["court_id"], unique=False)
    op.create_index(op.f("ix_announcements_kind"), "announcements", ["kind"], unique=False)
    op.create_index(op.f("ix_announcements_lot_id"), "announcements", ["lot_id"], unique=False)
    op.create_index(op.f("ix_announcements_published_at"), "announcements", ["published_at"], unique=False)
    op.create_table(
        "ledger_transactions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("reverses_id", sa.BigInteger(), nullable=True),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("lot_id", sa.BigInteger(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["enforcement_cases.id"],
            name=op.f("fk_ledger_transactions_case_id_enforcement_cases"),
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_ledger_transactions_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["ledger_transactions.id"],
            name=op.f("fk_ledger_transactions_reverses_id_ledger_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_transactions")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_ledger_transactions_idempotency_key")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_ledger_transactions_reverses_id")),
    )
    op.create_index(op.f("ix_ledger_transactions_case_id"), "ledger_transactions", ["case_id"], unique=False)
    op.create_index(op.f("ix_ledger_transactions_lot_id"), "ledger_transactions", ["lot_id"], unique=False)
    op.create_table(
        "lot_transitions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "draft",
                "announced",
                "live",
                "suspended",
                "ended",
                "sold",
                "failed",
                "settled",
                "defaulted",
                "cancelled",
                name="from_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "draft",
                "announced",
                "live",
                "suspended",
                "ended",
                "sold",
                "failed",
                "settled",
                "defaulted",
                "cancelled",
                name="to_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("actor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_lot_transitions_actor_user_id_users")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_lot_transitions_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_transitions")),
    )
    op.create_index(op.f("ix_lot_transitions_lot_id"), "lot_transitions", ["lot_id"], unique=False)
    op.create_table(
        "priority_holders",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("rank", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_priority_holders_rank_positive")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_priority_holders_lot_id_lots")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_priority_holders_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_holders")),
        sa.UniqueConstraint("lot_id", "user_id", name=op.f("uq_priority_holders_lot_id_user_id")),
    )
    op.create_index(op.f("ix_priority_holders_lot_id"), "priority_holders", ["lot_id"], unique=False)
    op.create_table(
        "registrations",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("bidder_code", sa.String(length=16), nullable=False),
        sa.Column("priority_rank", sa.SmallInteger(), nullable=True),
        sa.Column("deposit_amount", sa.BigInteger(), nullable=False),
        sa.Column(
            "deposit_status",
            sa.Enum(
                "pending",
                "frozen",
                "refunded",
                "applied",
                "forfeited",
                name="depositstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("deposit_amount > 0", name=op.f("ck_registrations_deposit_positive")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_registrations_lot_id_lots")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_registrations_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
        sa.UniqueConstraint("lot_id", "bidder_code", name=op.f("uq_registrations_lot_id_bidder_code")),
        sa.UniqueConstraint("lot_id", "user_id", name=op.f("uq_registrations_lot_id_user_id")),
    )
    op.create_index(op.f("ix_registrations_lot_id"), "registrations", ["lot_id"], unique=False)
    op.create_index(op.f("ix_registrations_user_id"), "registrations", ["user_id"], unique=False)
    op.create_table(
        "timeline_events",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
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
                name="timelinekind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("lot_id", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["enforcement_cases.id"], name=op.f("fk_timeline_events_case_id_enforcement_cases")
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_timeline_events_lot_id_lots")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline_events")),
    )
    op.create_index(op.f("ix_timeline_events_case_id"), "timeline_events", ["case_id"], unique=False)
    op.create_table(
        "bids",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("registration_id", sa.BigInteger(), nullable=False),
        sa.Column("bidder_code", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "manual",
                "proxy",
                "priority",
                name="bidkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("end_ms", sa.BigInteger(), nullable=False),
        sa.Column("client_bid_id", sa.String(length=64), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("persisted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_bids_amount_positive")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_bids_seq_positive")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_bids_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registrations.id"], name=op.f("fk_bids_registration_id_registrations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bids")),
        sa.UniqueConstraint("lot_id", "seq", name=op.f("uq_bids_lot_id_seq")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("transaction_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "side",
            sa.Enum(
                "debit", "credit", name="entryside", native_enum=False, create_constraint=True, length=32
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_ledger_entries_amount_positive")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["ledger_accounts.id"], name=op.f("fk_ledger_entries_account_id_ledger_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["ledger_transactions.id"],
            name=op.f("fk_ledger_entries_transaction_id_ledger_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index(op.f("ix_ledger_entries_account_id"), "ledger_entries", ["account_id"], unique=False)
    op.create_index(
        op.f("ix_ledger_entries_transaction_id"), "ledger_entries", ["transaction_id"], unique=False
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("registration_id", sa.BigInteger(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registrations.id"], name=op.f("fk_payments_registration_id_registrations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("public_id", name=op.f("uq_payments_public_id")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_payments_registration_id")),
    )
    op.create_table(
        "proxy_maximums",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("lot_id", sa.BigInteger(), nullable=False),
        sa.Column("registration_id", sa.BigInteger(), nullable=False),
        sa.Column("max_amount", sa.BigInteger(), nullable=False),
        sa.Column("set_at_ms", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("max_amount > 0", name=op.f("ck_proxy_maximums_max_amount_positive")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_proxy_maximums_lot_id_lots")),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_proxy_maximums_registration_id_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proxy_maximums")),
        sa.UniqueConstraint(
            "lot_id", "registration_id", name=op.f("uq_proxy_maximums_lot_id_registration_id")
        ),
    )
    op.create_index(op.f("ix_proxy_maximums_lot_id"), "proxy_maximums", ["lot_id"], unique=False)
    op.create_table(
        "payment_events",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("payment_id", sa.BigInteger(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_events_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_events")),
        sa.UniqueConstraint("provider", "event_id", name=op.f("uq_payment_events_provider_event_id")),
    )

    # lots and registrations refer to each other: the winner's link is added once both exist.
    op.create_foreign_key(
        op.f("fk_lots_winner_registration_id_registrations"),
        "lots",
        "registrations",
        ["winner_registration_id"],
        ["id"],
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_lots_winner_registration_id_registrations"), "lots", type_="foreignkey")
    op.drop_table("payment_events")
    op.drop_index(op.f("ix_proxy_maximums_lot_id"), table_name="proxy_maximums")
    op.drop_table("proxy_maximums")
    op.drop_table("payments")
    op.drop_index(op.f("ix_ledger_entries_transaction_id"), table_name="ledger_entries")
    op.drop_index(op.f("ix_ledger_entries_account_id"), table_name="ledger_entries")
    op.drop_table("ledger_entries")
    op.drop_table("bids")
    op.drop_index(op.f("ix_timeline_events_case_id"), table_name="timeline_events")
    op.drop_table("timeline_events")
    op.drop_index(op.f("ix_registrations_user_id"), table_name="registrations")
    op.drop_index(op.f("ix_registrations_lot_id"), table_name="registrations")
    op.drop_table("registrations")
    op.drop_index(op.f("ix_priority_holders_lot_id"), table_name="priority_holders")
    op.drop_table("priority_holders")
    op.drop_index(op.f("ix_lot_transitions_lot_id"), table_name="lot_transitions")
    op.drop_table("lot_transitions")
    op.drop_index(op.f("ix_ledger_transactions_lot_id"), table_name="ledger_transactions")
    op.drop_index(op.f("ix_ledger_transactions_case_id"), table_name="ledger_transactions")
    op.drop_table("ledger_transactions")
    op.drop_index(op.f("ix_announcements_published_at"), table_name="announcements")
    op.drop_index(op.f("ix_announcements_lot_id"), table_name="announcements")
    op.drop_index(op.f("ix_announcements_kind"), table_name="announcements")
    op.drop_index(op.f("ix_announcements_court_id"), table_name="announcements")
    op.drop_table("announcements")
    op.drop_index(op.f("ix_allocation_lines_plan_id"), table_name="allocation_lines")
    op.drop_table("allocation_lines")
    op.drop_index(op.f("ix_property_files_property_id"), table_name="property_files")
    op.drop_table("property_files")
    op.drop_index(op.f("ix_objections_plan_id"), table_name="objections")
    op.drop_table("objections")
    op.drop_index(op.f("ix_lots_status"), table_name="lots")
    op.drop_index(op.f("ix_lots_property_id"), table_name="lots")
    op.drop_table("lots")
    op.drop_index(op.f("ix_claims_creditor_user_id"), table_name="claims")
    op.drop_index(op.f("ix_claims_case_id"), table_name="claims")
    op.drop_table("claims")
    op.drop_index(op.f("ix_allocation_costs_plan_id"), table_name="allocation_costs")
    op.drop_table("allocation_costs")
    op.drop_index(op.f("ix_properties_case_id"), table_name="properties")
    op.drop_table("properties")
    op.drop_index(op.f("ix_allocation_plans_case_id"), table_name="allocation_plans")
    op.drop_table("allocation_plans")
    op.drop_index(op.f("ix_enforcement_cases_debtor_id_number_hash"), table_name="enforcement_cases")
    op.drop_index(op.f("ix_enforcement_cases_court_id"), table_name="enforcement_cases")
    op.drop_table("enforcement_cases")
    op.drop_index(op.f("ix_api_tokens_user_id"), table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_index("uq_users_username_lower", table_name="users")
    op.drop_index(op.f("ix_users_id_number_hash"), table_name="users")
    op.drop_table("users")
    op.drop_table("ledger_accounts")
    op.drop_index(op.f("ix_dishonest_persons_name"), table_name="dishonest_persons")
    op.drop_index(op.f("ix_dishonest_persons_id_number_hash"), table_name="dishonest_persons")
    op.drop_table("dishonest_persons")
    op.drop_table("courts")
