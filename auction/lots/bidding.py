"""The one bid service both doors use: the socket (`web/gateway`) and HTTP
(`POST /lots/{id}/bids`, `PUT /lots/{id}/proxy`). It finds the caller's registration, asks the
engine (where every decision is made, in one Lua script), keeps the proxy maximum a rebuild
needs, and answers in docs/api.md's `bid_result` / `proxy_result` shape with its message.
"""

from __future__ import annotations

from collections.abc import MutableMapping

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.errors import ValidationFailed
from auction.lots.agents import represented_registration
from auction.lots.rebuild import record_proxy
from auction.models import Registration
from bidding_engine.engine import BiddingEngine
from bidding_engine.errors import InvalidRequest

REJECTION_MESSAGES = {
    "not_authenticated": "sign in to bid",
    "not_registered": "register for this lot and pay the deposit first",
    "not_live": "the lot is not open for bidding",
    "ended": "bidding on this lot has ended",
    "too_low": "the amount is below the next valid bid",
    "already_leading": "you are already the highest bidder",
    "invalid_amount": "the amount must be the current price plus a whole multiple of the increment",
    "rate_limited": "too many bids; wait a moment",
}


def rejection_message(code: str) -> str:
    return REJECTION_MESSAGES.get(code, "the bid was not accepted")


class BidReply(msgspec.Struct, frozen=True, omit_defaults=True, tag="bid_result", tag_field="type"):
    """A bid's result: accepted with its seq, the price and the end after it, or refused with
    a docs/api.md code and a message."""

    client_bid_id: str
    accepted: bool
    lot_id: int
    seq: int | None = None
    price: int | None = None
    end_ms: int | None = None
    code: str | None = None
    message: str | None = None


class ProxyReply(msgspec.Struct, frozen=True, omit_defaults=True, tag="proxy_result", tag_field="type"):
    lot_id: int
    accepted: bool
    max_amount: int | None = None
    price: int | None = None
    leader_code: str | None = None
    end_ms: int | None = None
    code: str | None = None
    message: str | None = None


def refused_bid(client_bid_id: str, lot_id: int, code: str) -> BidReply:
    return BidReply(client_bid_id, False, lot_id, code=code, message=rejection_message(code))


def refused_proxy(lot_id: int, code: str) -> ProxyReply:
    return ProxyReply(lot_id, False, code=code, message=rejection_message(code))


# A connection's own registrations (lot id -> registration id), so the socket's hot path asks
# PostgreSQL once per lot rather than once per bid.
KnownRegistrations = MutableMapping[int, int]


class BidService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], engine: BiddingEngine) -> None:
        self.sessions = sessions
        self.engine = engine

    async def registration_id(
        self, user_id: int, lot_id: int, known: KnownRegistrations | None = None
    ) -> int | None:
        if known is not None and lot_id in known:
            return known[lot_id]
        async with self.sessions() as session:
            found = await session.scalar(
                sa.select(Registration.id).where(
                    Registration.lot_id == lot_id, Registration.user_id == user_id
                )
            )
            if found is None:  # a confirmed agent bids under the principal's registration
                found = await represented_registration(session, user_id, lot_id)
        if found is not None and known is not None:  # a later registration is looked up again
            known[lot_id] = found
        return found

    async def bid(
        self,
        user_id: int | None,
        lot_id: int,
        amount: int,
        client_bid_id: str,
        known: KnownRegistrations | None = None,
    ) -> BidReply:
        """Raises `ValidationFailed` for a client_bid_id the protocol does not allow."""
        if user_id is None:
            return refused_bid(client_bid_id, lot_id, "not_authenticated")
        registration_id = await self.registration_id(user_id, lot_id, known)
        if registration_id is None:
            return refused_bid(client_bid_id, lot_id, "not_registered")
        try:
            result = await self.engine.bid(lot_id, registration_id, amount, client_bid_id)
        except InvalidRequest as exc:
            raise ValidationFailed(str(exc), fields={"client_bid_id": "invalid_value"}) from exc
        if not result.accepted:
            return refused_bid(client_bid_id, lot_id, result.code or "rejected")
        return BidReply(client_bid_id, True, lot_id, seq=result.seq, price=result.price, end_ms=result.end_ms)

    async def proxy(
        self, user_id: int | None, lot_id: int, max_amount: int, known: KnownRegistrations | None = None
    ) -> ProxyReply:
        if user_id is None:
            return refused_proxy(lot_id, "not_authenticated")
        registration_id = await self.registration_id(user_id, lot_id, known)
        if registration_id is None:
            return refused_proxy(lot_id, "not_registered")
        result = await self.engine.set_proxy(lot_id, registration_id, max_amount)
        if not result.accepted:
            return refused_proxy(lot_id, result.code or "rejected")
        async with self.sessions.begin() as session:  # the record a rebuild needs
            await record_proxy(session, lot_id, registration_id, max_amount)
        return ProxyReply(
            lot_id,
            True,
            max_amount=result.max_amount,
            price=result.price,
            leader_code=result.leader_code,
            end_ms=result.end_ms,
        )
