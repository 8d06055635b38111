"""The vocabulary of the auction domain (values are what docs/api.md puts on the wire)."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    BIDDER = "bidder"
    COURT_STAFF = "court_staff"
    ADMIN = "admin"


class Category(enum.StrEnum):
    REAL_ESTATE = "real_estate"
    VEHICLE = "vehicle"
    EQUITY = "equity"
    OTHER = "other"


class SaleKind(enum.StrEnum):
    AUCTION = "auction"  # rounds 1 and 2 (拍卖)
    FIXED_PRICE = "fixed_price"  # 变卖 after round 2 fails


class LotStatus(enum.StrEnum):
    DRAFT = "draft"
    ANNOUNCED = "announced"
    LIVE = "live"
    SUSPENDED = "suspended"
    ENDED = "ended"
    SOLD = "sold"
    FAILED = "failed"
    SETTLED = "settled"
    DEFAULTED = "defaulted"
    CANCELLED = "cancelled"
    RULED = "ruled"  # the sale ruling (成交裁定) is issued: ownership passes when it is served
    DELIVERED = "delivered"  # the property is handed over (交付)
    ANNULLED = "annulled"  # the sale is undone on a ground of art. 31
    DEFERRED = "deferred"  # 暂缓 by decision, at most 5 days (art. 28)
    TAKEN_BY_CREDITOR = "taken_by_creditor"  # nobody bid; a creditor took it at the reserve (以物抵债)


# Bidding is halted and the remaining time kept: 中止 by ruling, 暂缓 by decision (art. 28).
HALTED_STATUSES = (LotStatus.SUSPENDED, LotStatus.DEFERRED)
# The price was paid in full: the proceeds are the case's.
PAID_STATUSES = (LotStatus.SETTLED, LotStatus.RULED, LotStatus.DELIVERED)
# The property's price is the case's to distribute: paid in full, or taken by a creditor.
PROCEEDS_STATUSES = (*PAID_STATUSES, LotStatus.TAKEN_BY_CREDITOR)
# A buyer was found at the close (whatever happened afterwards but an annulment).
SOLD_OUTCOMES = (LotStatus.SOLD, *PAID_STATUSES, LotStatus.DEFAULTED)


class DepositStatus(enum.StrEnum):
    PENDING = "pending"
    FROZEN = "frozen"
    REFUNDED = "refunded"
    APPLIED = "applied"
    FORFEITED = "forfeited"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED_SATISFIED = "closed_satisfied"
    CLOSED_UNSATISFIED = "closed_unsatisfied"  # 终结本次执行程序


class AnnouncementKind(enum.StrEnum):
    AUCTION = "auction"
    RESULT = "result"
    CONFIRMATION = "confirmation"
    SUSPENSION = "suspension"
    RESUMPTION = "resumption"
    CANCELLATION = "cancellation"
    PRIORITY_NOTICE = "priority_notice"
    ALLOCATION = "allocation"
    REWARD = "reward"
    RULING = "ruling"  # 成交裁定
    ANNULMENT = "annulment"  # art. 31
    DEFERRAL = "deferral"  # 暂缓 (art. 28)
    CREDITOR_TAKES = "creditor_takes"  # 以物抵债


class TimelineKind(enum.StrEnum):
    REGISTERED = "registered"
    MEASURES = "measures"
    SEIZED = "seized"
    APPRAISED = "appraised"
    ANNOUNCED = "announced"
    AUCTION_STARTED = "auction_started"
    SOLD = "sold"
    FAILED = "failed"
    PAID = "paid"
    DEFAULTED = "defaulted"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    CANCELLED = "cancelled"
    ALLOCATION_PUBLISHED = "allocation_published"
    OBJECTION_FILED = "objection_filed"
    OBJECTION_RESOLVED = "objection_resolved"
    ALLOCATION_FINAL = "allocation_final"
    DISTRIBUTED = "distributed"
    CLOSED = "closed"
    BIDDER_BARRED = "bidder_barred"  # a registered bidder found barred (art. 34)
    QUALIFICATION = "qualification"  # the buyer's purchase-limit check recorded
    RULED = "ruled"
    DELIVERED = "delivered"
    ANNULLED = "annulled"
    DEFERRED = "deferred"
    AUCTION_OBJECTION = "auction_objection"  # an objection to an act of the auction (art. 36)
    AUCTION_OBJECTION_DECIDED = "auction_objection_decided"
    TAKEN_BY_CREDITOR = "taken_by_creditor"


class FileKind(enum.StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"


class Channel(enum.StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    SMS = "sms"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last attempt


class ClueStatus(enum.StrEnum):
    NEW = "new"
    VERIFIED = "verified"
    USELESS = "useless"
    ACTED_ON = "acted_on"


class PriorityRight(enum.StrEnum):
    """The kind of a priority purchase right (art. 14 (6) asks for it)."""

    CO_OWNER = "co_owner"  # 共有人
    TENANT = "tenant"  # 承租人
    SHAREHOLDER = "shareholder"  # 股东（有限责任公司股权）
    OTHER = "other"


class BarRelation(enum.StrEnum):
    """Why a person is barred from a lot (the Provisions art. 34)."""

    COURT_STAFF = "court_staff"
    PLATFORM_STAFF = "platform_staff"
    APPRAISER = "appraiser"
    AGENCY = "agency"
    RELATIVE = "relative"
    OTHER = "other"


class RestrictedRole(enum.StrEnum):
    """Whom a consumption-restriction entry restricts."""

    SUBJECT = "subject"  # the debtor itself
    LEGAL_REPRESENTATIVE = "legal_representative"  # of a company debtor
    ACTUAL_CONTROLLER = "actual_controller"  # of a company debtor
    PRINCIPAL = "principal"  # 主要负责人 of a company debtor
    RESPONSIBLE_PERSON = "responsible_person"  # 直接责任人员


class AccountKind(enum.StrEnum):
    """A natural person (identity number, GB 11643) or a legal person (credit code, GB 32100)."""

    NATURAL = "natural"
    LEGAL = "legal"


class AnnulGround(enum.StrEnum):
    """The grounds on which a sale is annulled (the Provisions art. 31 (1)–(6))."""

    MISDESCRIPTION = "misdescription"  # the description, photos or defects seriously untrue
    SYSTEM_FAILURE = "system_failure"  # a fault, attack or data error made the result wrong
    COLLUSION = "collusion"  # bidders, or bidders and the platform, colluded
    UNQUALIFIED_BUYER = "unqualified_buyer"  # the buyer may not bid (listed, not qualified)
    BARRED_BUYER = "barred_buyer"  # the buyer is one art. 34 bars (found after the close)
    UNLAWFUL_CONDITIONS = "unlawful_conditions"  # bidders unlawfully kept out or held to unequal terms
    OTHER = "other"  # another serious breach of the procedure

    @property
    def buyer_at_fault(self) -> bool:
        """Whether the buyer caused it, so their deposit is forfeited (art. 31 and art. 24)."""
        return self in (AnnulGround.COLLUSION, AnnulGround.UNQUALIFIED_BUYER, AnnulGround.BARRED_BUYER)


class DishonestGround(enum.StrEnum):
    """Why a debtor is on the dishonest list (the listing rules, 2017 revision, art. 1)."""

    ABLE_BUT_REFUSES = "able_but_refuses"  # no period: until performed
    OBSTRUCTS_ENFORCEMENT = "obstructs_enforcement"
    EVADES_ENFORCEMENT = "evades_enforcement"
    VIOLATES_PROPERTY_REPORT = "violates_property_report"
    VIOLATES_CONSUMPTION_ORDER = "violates_consumption_order"
    REFUSES_SETTLEMENT_AGREEMENT = "refuses_settlement_agreement"


class RemovalReason(enum.StrEnum):
    """Why an entry leaves a list (RULES.md "The lists": removal)."""

    PERFORMED = "performed"  # paid in full, or the case finished by enforcement
    EXPIRED = "expired"  # the period ran out
    REVOKED = "revoked"  # on objection, or the applicant asked, or a ruling ended enforcement
    ERROR = "error"  # listed by mistake
