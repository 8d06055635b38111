"""Lots and everything that happens on one: transitions, registrations, deposits, bids."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from auction.enums import DepositStatus, LotStatus, PriorityRight, SaleKind
from bidding_engine.results import BidKind
from core.db import Base, str_enum, utcnow


class Lot(Base):
    """One sale of one property: round 1, round 2, or the fixed-price sale (变卖).

    `end_at` is the scheduled end; `engine_end_at` the end the engine actually reached after
    soft-close extensions, recorded at the close.
    """

    __tablename__ = "lots"
    __table_args__ = (
        sa.CheckConstraint("starting_price > 0", name="starting_price_positive"),
        sa.CheckConstraint("increment > 0", name="increment_positive"),
        sa.CheckConstraint("deposit > 0", name="deposit_positive"),
        sa.CheckConstraint("end_at > start_at", name="ends_after_start"),
        sa.CheckConstraint("round BETWEEN 1 AND 3", name="round_range"),
        sa.CheckConstraint("result_price IS NULL OR result_price > 0", name="result_price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(sa.ForeignKey("properties.id"), index=True)
    previous_lot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lots.id"))
    round: Mapped[int] = mapped_column(sa.SmallInteger)
    sale_kind: Mapped[SaleKind] = mapped_column(str_enum(SaleKind), default=SaleKind.AUCTION)
    status: Mapped[LotStatus] = mapped_column(str_enum(LotStatus), default=LotStatus.DRAFT, index=True)
    starting_price: Mapped[int]
    increment: Mapped[int]
    deposit: Mapped[int]
    start_at: Mapped[dt.datetime]
    end_at: Mapped[dt.datetime]
    engine_end_at: Mapped[dt.datetime | None]
    balance_deadline_days: Mapped[int] = mapped_column(default=10)
    balance_due_at: Mapped[dt.datetime | None]
    result_price: Mapped[int | None]
    winner_registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registrations.id", use_alter=True)
    )
    bid_chain_head: Mapped[str | None] = mapped_column(sa.String(64))
    # The engine change a committed court action still owes (suspend, resume, cancel): made after
    # the commit, retried by the lifecycle clock until the engine has it.
    engine_pending: Mapped[str | None] = mapped_column(sa.String(16))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None]
    # The announcement's disclosures (auction.disclosure.required_items), as given by the court.
    disclosure: Mapped[dict[str, Any] | None] = mapped_column(postgresql.JSONB)
    # A residential lot under a local housing purchase limit: the rule's text (法释〔2021〕18号).
    purchase_restriction: Mapped[str | None] = mapped_column(sa.Text)
    # The terms approved by a second staff member for the collegial panel (art. 27).
    approved_by: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None]
    panel_decided_on: Mapped[dt.date | None]
    # After the hammer (auction.lots.ruling, .annulment, .deferral): the purchase-limit check, the
    # sale ruling and when it was served (ownership passes then), the hand-over, an annulment's
    # ground, and a deferral's limit with the status it returns to.
    qualified: Mapped[bool | None]
    qualification_note: Mapped[str | None] = mapped_column(sa.Text)
    qualified_at: Mapped[dt.datetime | None]
    ruled_at: Mapped[dt.datetime | None]
    ruling_served_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]
    annul_ground: Mapped[str | None] = mapped_column(sa.String(32))
    deferred_until: Mapped[dt.datetime | None]
    deferred_from: Mapped[str | None] = mapped_column(sa.String(16))
    # Nobody bid: the claim whose creditor took the property at the reserve (以物抵债).
    taken_by_claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"))


class LotTransition(Base):
    """Append-only record of every status change of a lot, and who caused it."""

    __tablename__ = "lot_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    from_status: Mapped[LotStatus] = mapped_column(str_enum(LotStatus, name="from_status"))
    to_status: Mapped[LotStatus] = mapped_column(str_enum(LotStatus, name="to_status"))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PriorityHolder(Base):
    """A priority purchase right (co-owner, tenant, shareholder) confirmed by the court."""

    __tablename__ = "priority_holders"
    __table_args__ = (
        sa.UniqueConstraint("lot_id", "user_id"),
        sa.CheckConstraint("rank >= 1", name="rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    rank: Mapped[int] = mapped_column(sa.SmallInteger)
    right: Mapped[PriorityRight] = mapped_column(str_enum(PriorityRight), default=PriorityRight.OTHER)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Notified before the announcement (art. 16) and not registered by the close: waived.
    waived_at: Mapped[dt.datetime | None]


class Registration(Base):
    """A bidder's registration for one lot; the bidder code is all the public ever sees."""

    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint("lot_id", "user_id"),
        sa.UniqueConstraint("lot_id", "bidder_code"),
        sa.UniqueConstraint("lot_id", "identity_hash"),
        sa.CheckConstraint("deposit_amount > 0", name="deposit_positive"),
        sa.CheckConstraint("set_off_amount IS NULL OR set_off_amount >= 0", name="set_off_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The bidder's identity (the account's keyed hash): one registration per identity and lot, and
    # a default bars the identity, whatever account it uses.
    identity_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    bidder_code: Mapped[str] = mapped_column(sa.String(16))
    priority_rank: Mapped[int | None] = mapped_column(sa.SmallInteger)
    deposit_amount: Mapped[int]
    deposit_status: Mapped[DepositStatus] = mapped_column(
        str_enum(DepositStatus), default=DepositStatus.PENDING
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    frozen_at: Mapped[dt.datetime | None]
    # A creditor of the case registered without paying: their claim covers the deposit (art. 17).
    # No money moves for such a deposit; its status still follows the lot.
    deposit_claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"))
    # What of the price that claim covers when this creditor wins (fixed when first computed,
    # auction.lots.set_off): the balance due in cash is the rest.
    set_off_amount: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The bidder's undertaking that they qualify under the lot's housing purchase limit.
    undertaking_at: Mapped[dt.datetime | None]
    # Found barred after registering (art. 34): out of the engine, deposit released, bids refused.
    ineligible_reason: Mapped[str | None] = mapped_column(sa.String(32))
    ineligible_at: Mapped[dt.datetime | None]


class Payment(Base):
    """A deposit payment through a provider; `public_id` is the `payment_id` of the API."""

    __tablename__ = "payments"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id"), unique=True)
    provider: Mapped[str] = mapped_column(sa.String(32))
    amount: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None]


class PaymentEvent(Base):
    """A provider webhook event already processed; the unique key refuses replays."""

    __tablename__ = "payment_events"
    __table_args__ = (sa.UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(sa.String(32))
    event_id: Mapped[str] = mapped_column(sa.String(100))
    payment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payments.id"))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ProxyMaximum(Base):
    """The latest hidden maximum a bidder set; kept so a lost Redis can be rebuilt."""

    __tablename__ = "proxy_maximums"
    __table_args__ = (
        sa.UniqueConstraint("lot_id", "registration_id"),
        sa.CheckConstraint("max_amount > 0", name="max_amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id"))
    max_amount: Mapped[int]
    set_at_ms: Mapped[int]


class Bid(Base):
    """An accepted bid, written once from the engine's stream; hash-chained per lot.

    `hash = sha256(prev_hash ‖ canonical bid)`, so anyone holding the public log can verify
    no row was altered, removed or inserted.
    """

    __tablename__ = "bids"
    __table_args__ = (
        sa.UniqueConstraint("lot_id", "seq"),
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(sa.ForeignKey("lots.id"))
    seq: Mapped[int]
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id"))
    bidder_code: Mapped[str] = mapped_column(sa.String(16))
    amount: Mapped[int]
    kind: Mapped[BidKind] = mapped_column(str_enum(BidKind))
    at_ms: Mapped[int]  # engine clock, ms since the Unix epoch
    end_ms: Mapped[int]  # the lot's end after this bid
    client_bid_id: Mapped[str | None] = mapped_column(sa.String(64))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))
    persisted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EngineOutage(Base):
    """A time the lifecycle clock could not reach the engine (so no bidder could bid), recorded
    when it reached it again: a lot whose final minutes it overlaps is deferred, not sold."""

    __tablename__ = "engine_outages"
    __table_args__ = (sa.CheckConstraint("ended_at >= began_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    began_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime] = mapped_column(index=True)
    noticed_by: Mapped[str] = mapped_column(sa.String(100))  # host and process that saw it
