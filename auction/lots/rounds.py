"""Selling a property again: the next round after an unsold one (round 2 at the deepest lawful
cut, then the fixed-price sale at round 2's price), and the re-auction after a default (art. 24),
of the same round at terms the court chooses within the rules. Each is a draft the court then
approves and publishes like any lot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import lot_for_staff
from auction.disclosure.required_items import from_stored
from auction.enums import LotStatus
from auction.errors import Conflict, ValidationFailed
from auction.lots.listing import NewLot, create_lot
from auction.models import Lot, Property, User
from auction.rules import RuleProfile
from core.db import utcnow


@dataclass(frozen=True, slots=True)
class CourtTerms:
    """What the court sets for a re-auction after a default; what it leaves out is derived."""

    starting_price: int | None = None
    start_at: dt.datetime | None = None
    end_at: dt.datetime | None = None

    @property
    def given(self) -> bool:
        return any(v is not None for v in (self.starting_price, self.start_at, self.end_at))


def _period(profile: RuleProfile, round_: int) -> dt.timedelta:
    return (
        profile.fixed_price_period if round_ == 3 else max(profile.min_bidding_period, dt.timedelta(hours=24))
    )


def _deposit(profile: RuleProfile, lot: Lot, price: int, round_: int) -> int:
    """The earlier lot's deposit ratio on the new price, never below the rules' minimum; the
    whole price for a fixed-price sale where the profile asks it."""
    if round_ == 3 and profile.fixed_price_full_deposit:
        return price
    ratio = lot.deposit * 10_000 // lot.starting_price
    return max(price * ratio // 10_000, -(-price * profile.deposit_min_bp // 10_000), 1)


async def next_round(
    session: AsyncSession, user: User, profile: RuleProfile, lot_id: int, terms: CourtTerms = CourtTerms()
) -> Lot:
    lot, _, _ = await lot_for_staff(session, user, lot_id)
    if lot.status not in (LotStatus.FAILED, LotStatus.DEFAULTED):
        raise Conflict("a next round follows a failed or defaulted lot", code="invalid_status")
    prop = await session.get(Property, lot.property_id)
    assert prop is not None
    if lot.status is LotStatus.DEFAULTED:
        price = lot.starting_price if terms.starting_price is None else terms.starting_price
        round_ = lot.round
    else:
        if terms.given:
            # An unsold round is followed by the law's own terms: the court lists anew (POST
            # /lots) if it wants others.
            raise ValidationFailed(
                "the court's terms are for a re-auction after a default",
                fields={"starting_price": "only_after_default"},
            )
        if lot.round >= 3:
            raise Conflict("the fixed-price sale is the last round", code="no_further_round")
        round_ = lot.round + 1
        # Round 2 at the deepest cut (ceiling: never below the floor); the fixed-price sale at
        # round 2's price.
        price = (
            -(-lot.starting_price * profile.round2_min_bp // 10_000) if round_ == 2 else lot.starting_price
        )
    earliest = utcnow() + profile.notice_period(round_, prop.category) + dt.timedelta(minutes=1)
    start = terms.start_at or earliest
    new = NewLot(
        prop.id,
        round_,
        price,
        lot.increment,
        _deposit(profile, lot, price, round_),
        start,
        terms.end_at or start + _period(profile, round_),
        lot.balance_deadline_days,
        from_stored(lot.disclosure),  # the same property: the court revises what changed
        lot.purchase_restriction,
    )
    return await create_lot(session, user, profile, new)
