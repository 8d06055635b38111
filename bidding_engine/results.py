"""What the engine answers, as typed values (decoded once from the scripts' replies)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class BidKind(enum.StrEnum):
    MANUAL = "manual"
    PROXY = "proxy"
    PRIORITY = "priority"


class EngineStatus(enum.StrEnum):
    LIVE = "live"
    SUSPENDED = "suspended"
    ENDED = "ended"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class LotOpening:
    lot_id: int
    starting_price: int
    increment: int
    end_ms: int
    extension_ms: int
    registrations: tuple[EligibleRegistration, ...] = ()
    first_bid_window_ms: int = 0  # the fixed-price sale: the first offer opens this window


@dataclass(frozen=True, slots=True)
class EligibleRegistration:
    registration_id: int
    bidder_code: str
    priority_rank: int | None = None  # 1 is the highest; None for an ordinary bidder


@dataclass(frozen=True, slots=True)
class LotRestoration:
    """A lot's live state as the durable record has it (see `BiddingEngine.restore`)."""

    lot_id: int
    status: EngineStatus
    starting_price: int
    increment: int
    extension_ms: int
    end_ms: int
    remaining_ms: int
    first_bid_window_ms: int
    price: int  # 0 before the first bid
    leader_registration_id: int | None
    leader_code: str | None
    leader_class: int  # the leader's priority rank; ORDINARY_CLASS for an ordinary bidder
    outcome: str | None
    registrations: tuple[EligibleRegistration, ...]
    proxies: tuple[tuple[int, int, int], ...]  # (registration, max_amount, setting order)
    bids: tuple[BidRecord, ...]


ORDINARY_CLASS = 1_000_000_000  # as common.lua


@dataclass(frozen=True, slots=True)
class BidResult:
    accepted: bool
    code: str | None = None  # the rejection code (docs/api.md) when not accepted
    seq: int | None = None  # the bid's own number
    price: int | None = None  # the lot's price after the bid and any proxy replies
    end_ms: int | None = None


@dataclass(frozen=True, slots=True)
class ProxyResult:
    accepted: bool
    code: str | None = None
    max_amount: int | None = None
    price: int | None = None
    end_ms: int | None = None
    leader_code: str | None = None


@dataclass(frozen=True, slots=True)
class ControlResult:
    accepted: bool
    code: str | None = None
    status: EngineStatus | None = None
    end_ms: int | None = None


@dataclass(frozen=True, slots=True)
class CloseResult:
    status: str  # 'ended' once closed; otherwise the lot's current engine status or 'missing'
    outcome: str | None  # 'sold' | 'failed' once ended
    price: int
    winner_registration_id: int | None
    winner_code: str | None
    end_ms: int
    seq: int
    now_ms: int
    closed_now: bool  # True only for the one call that performed the close
    closed_ms: int  # when the engine closed the lot (0 while it is open)


@dataclass(frozen=True, slots=True)
class Snapshot:
    lot_id: int
    status: EngineStatus
    starting_price: int
    increment: int
    price: int | None  # None until the first bid
    leader_code: str | None
    leader_registration_id: int | None
    end_ms: int
    now_ms: int
    seq: int
    outcome: str | None
    remaining_ms: int | None = None  # a suspended lot's time left, kept until it resumes


@dataclass(frozen=True, slots=True)
class BidRecord:
    """One accepted bid as the stream holds it."""

    lot_id: int
    seq: int
    registration_id: int
    bidder_code: str
    amount: int
    kind: BidKind
    at_ms: int
    end_ms: int
    client_bid_id: str | None
    entry_id: str
