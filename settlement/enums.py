"""The vocabulary of settlement, shared by the pure waterfall and the tables."""

from __future__ import annotations

import enum


class ClaimKind(enum.StrEnum):
    PRIORITY = "priority"  # construction-price priority (建设工程价款优先受偿权)
    SECURED = "secured"  # mortgage or pledge on a sold property
    ORDINARY = "ordinary"


class DebtorKind(enum.StrEnum):
    NATURAL = "natural"
    LEGAL = "legal"


class PlanStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    FINAL = "final"
    DISBURSED = "disbursed"


class ObjectionStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class EntrySide(enum.StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"


class AccountKind(enum.StrEnum):
    DEPOSITS_HELD = "deposits_held"  # bidders' deposits frozen by the court
    BIDDER = "bidder"  # what the court owes a bidder (deposit to refund) / is owed
    CASE_ESCROW = "case_escrow"  # proceeds held for a case until distribution
    COURT_FEES = "court_fees"
    COSTS = "costs"  # enforcement costs reimbursed
    CREDITOR = "creditor"
    DEBTOR = "debtor"
    BANK = "bank"  # the outside world: money entering or leaving the court's accounts
