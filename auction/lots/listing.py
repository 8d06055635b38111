"""Lots from the court's side: list, publish, confirm priority holders (suspend, resume and
cancel are `control`; the next round and the re-auction after a default `rounds`).

Every action checks the acting user's court, moves the lot's status with a recorded
transition, and publishes the notice the public should see; engine actions happen after the
row is locked, so two clerks pressing the same button act once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import lot_for_staff, require_staff_of
from auction.disclosure.announcement_items import HolderLine
from auction.disclosure.notices import publish, records_of
from auction.disclosure.required_items import (
    NO_DISCLOSURE,
    Disclosure,
    from_stored,
    malformed_items,
    missing_items,
    to_stored,
)
from auction.disclosure.texts import auction_notice, priority_holder_notice
from auction.enums import (
    HALTED_STATUSES,
    PAID_STATUSES,
    LotStatus,
    PriorityRight,
    Role,
    SaleKind,
    TimelineKind,
)
from auction.errors import Conflict, Forbidden, ValidationFailed
from auction.lots import party_notices
from auction.lots.transitions import add_timeline, transition
from auction.models import (
    Announcement,
    EnforcementCase,
    Lot,
    LotTransition,
    PriorityHolder,
    Property,
    Registration,
    User,
)
from auction.rules import Listing, PreviousRound, RuleProfile, validate_listing
from core.db import utcnow
from core.display import china_day
from core.money import MAX_AMOUNT


@dataclass(frozen=True, slots=True)
class NewLot:
    property_id: int
    round: int
    starting_price: int
    increment: int
    deposit: int
    start_at: dt.datetime
    end_at: dt.datetime
    balance_deadline_days: int = 10
    disclosure: Disclosure = NO_DISCLOSURE
    purchase_restriction: str | None = None


# A lot in one of these has sold its property: the property cannot be listed again.
SOLD_STATUSES = (LotStatus.ENDED, LotStatus.SOLD, *PAID_STATUSES, LotStatus.TAKEN_BY_CREDITOR)


def _sale_kind(round_: int) -> SaleKind:
    return SaleKind.FIXED_PRICE if round_ == 3 else SaleKind.AUCTION


@dataclass(frozen=True, slots=True)
class Earlier:
    """What a new lot of a property follows: the latest lot that failed or whose buyer defaulted
    (`lot`, which the new one links to), the round before the new one's (`previous`: the
    floor of its price and the window it must start in), and whether it re-auctions a default
    of its own round (art. 24: the court's terms, not the window and cut of an unsold round)."""

    lot: Lot | None = None
    previous: PreviousRound | None = None
    after_default: bool = False


async def earlier_rounds(session: AsyncSession, property_id: int, round_: int) -> Earlier:
    undone = list(
        await session.scalars(
            sa.select(Lot)
            .where(Lot.property_id == property_id, Lot.status.in_((LotStatus.FAILED, LotStatus.DEFAULTED)))
            .order_by(Lot.id.desc())
        )
    )
    if not undone:
        return Earlier()
    before = next((lot for lot in undone if lot.round == round_ - 1), None)
    latest = undone[0]
    return Earlier(
        latest,
        PreviousRound(before.starting_price, before.closed_at or before.end_at) if before else None,
        latest.status is LotStatus.DEFAULTED and latest.round == round_,
    )


def _listing(new: NewLot, prop: Property, earlier: Earlier) -> Listing:
    return Listing(
        round=new.round,
        sale_kind=_sale_kind(new.round),
        category=prop.category,
        appraised_value=prop.appraised_value,
        starting_price=new.starting_price,
        increment=new.increment,
        deposit=new.deposit,
        start_at=new.start_at,
        end_at=new.end_at,
        previous=earlier.previous,
        after_default=earlier.after_default,
    )


async def create_lot(session: AsyncSession, user: User, profile: RuleProfile, new: NewLot) -> Lot:
    prop = await session.get(Property, new.property_id)
    if prop is None:
        raise ValidationFailed("no such property", fields={"property_id": "not_found"})
    case = await session.get(EnforcementCase, prop.case_id)
    assert case is not None
    require_staff_of(user, case.court_id)
    if any(not 0 < amount <= MAX_AMOUNT for amount in (new.starting_price, new.increment, new.deposit)):
        fields = {
            name: "not_positive"
            for name in ("starting_price", "increment", "deposit")
            if not 0 < getattr(new, name) <= MAX_AMOUNT
        }
        raise ValidationFailed("the listing breaks the rules", fields=fields)
    if not 1 <= new.balance_deadline_days <= 90:
        raise ValidationFailed(
            "the listing breaks the rules", fields={"balance_deadline_days": "out_of_range"}
        )
    _check_disclosure_form(new.disclosure, new.purchase_restriction)
    busy = await session.scalar(
        sa.select(Lot.id).where(
            Lot.property_id == prop.id,
            Lot.status.in_((LotStatus.DRAFT, LotStatus.ANNOUNCED, LotStatus.LIVE, *HALTED_STATUSES)),
        )
    )
    if busy is not None:
        raise Conflict("this property already has a lot in progress", code="lot_in_progress")
    sold = await session.scalar(
        sa.select(Lot.id).where(Lot.property_id == prop.id, Lot.status.in_(SOLD_STATUSES)).limit(1)
    )
    if sold is not None:
        # Sold is sold: a new sale of it comes only after the sale is undone (a default, an
        # annulment), and then as the next round of the lot that was undone.
        raise Conflict("this property has been sold", code="property_sold")
    earlier = await earlier_rounds(session, prop.id, new.round)
    errors = validate_listing(profile, _listing(new, prop, earlier), utcnow())
    if errors:
        raise ValidationFailed("the listing breaks the rules", fields=errors)
    lot = Lot(
        property_id=prop.id,
        previous_lot_id=earlier.lot.id if earlier.lot else None,
        round=new.round,
        sale_kind=_sale_kind(new.round),
        starting_price=new.starting_price,
        increment=new.increment,
        deposit=new.deposit,
        start_at=new.start_at,
        end_at=new.end_at,
        balance_deadline_days=new.balance_deadline_days,
        created_by=user.id,
        disclosure=to_stored(new.disclosure),
        purchase_restriction=_restriction(new.purchase_restriction),
    )
    session.add(lot)
    await session.flush()
    return lot


def _restriction(text: str | None) -> str | None:
    return text.strip() if text and text.strip() else None


def _check_disclosure_form(disclosure: Disclosure, purchase_restriction: str | None) -> None:
    if errors := malformed_items(disclosure, purchase_restriction):
        raise ValidationFailed("the disclosure is malformed", fields=errors)


def _require_draft(lot: Lot, action: str) -> None:
    if lot.status is not LotStatus.DRAFT:
        raise Conflict(f"only a draft can be {action}; this lot is {lot.status.value}", code="invalid_status")


async def set_disclosure(
    session: AsyncSession, user: User, lot_id: int, disclosure: Disclosure, purchase_restriction: str | None
) -> Lot:
    """Replace a draft's disclosures (the announcement is built from them when it is published)."""
    lot, _, _ = await lot_for_staff(session, user, lot_id)
    _require_draft(lot, "edited")
    _check_disclosure_form(disclosure, purchase_restriction)
    lot.disclosure = to_stored(disclosure)
    lot.purchase_restriction = _restriction(purchase_restriction)
    await session.flush()
    return lot


async def approve_terms(
    session: AsyncSession, user: User, lot_id: int, decided_on: dt.date | None = None
) -> Lot:
    """A second staff member of the court approves the draft's terms for the collegial panel
    (art. 27): never the clerk who drafted them. Approving again changes nothing."""
    lot, _, court_id = await lot_for_staff(session, user, lot_id)
    if user.role is not Role.COURT_STAFF or user.court_id != court_id:
        raise Forbidden("the terms are approved by staff of the court handling the case")
    _require_draft(lot, "approved")  # a published lot's terms were decided: nothing to approve
    if lot.created_by == user.id:
        raise Forbidden("the clerk who drafted the terms cannot approve them", code="same_person")
    if lot.approved_at is None:
        lot.approved_by, lot.approved_at = user.id, utcnow()
        lot.panel_decided_on = decided_on or china_day(lot.approved_at)
        await session.flush()
    return lot


def _withdraw_approval(lot: Lot) -> None:
    """Changed terms need a new decision."""
    lot.approved_by = lot.approved_at = lot.panel_decided_on = None


async def publish_lot(session: AsyncSession, user: User, profile: RuleProfile, lot_id: int) -> Announcement:
    """Announce a draft: the rules are checked again against the moment of publication, every
    disclosure must be there, and (under spc2016) the terms must have been approved."""
    lot, case_id, court_id = await lot_for_staff(session, user, lot_id)
    _require_draft(lot, "published")
    court, case, prop = await records_of(session, lot)
    earlier = await earlier_rounds(session, prop.id, lot.round)
    new = NewLot(prop.id, lot.round, lot.starting_price, lot.increment, lot.deposit, lot.start_at, lot.end_at)
    now = utcnow()
    errors = validate_listing(profile, _listing(new, prop, earlier), now)
    errors.update(missing_items(from_stored(lot.disclosure), china_day(now)))
    if errors:
        raise ValidationFailed("the listing does not meet the rules", fields=errors)
    if profile.terms_approval and lot.approved_at is None:
        raise Conflict("a second staff member must approve the terms first", code="not_approved")
    parties = await party_notices.parties_of(session, lot)
    facts = party_notices.facts_of(await party_notices.notices_of(session, lot.id))
    if profile.party_notice_lead is not None:
        missing = party_notices.missing_notices(parties, facts, now, profile.party_notice_lead)
        if missing:
            raise Conflict(
                "the parties and known priority holders are notified at least 3 days before the announcement",
                code="parties_not_notified",
                fields=missing,
            )
    holders = list(
        await session.scalars(
            sa.select(PriorityHolder).where(PriorityHolder.lot_id == lot.id).order_by(PriorityHolder.rank)
        )
    )
    notified = party_notices.notified_lines(parties, facts)
    notice = auction_notice(court, case, prop, lot, profile, await holder_lines(session, holders), notified)
    announcement = await publish(session, notice, court_id=court_id, case_id=case_id, lot_id=lot.id)
    for holder in holders:
        await publish(
            session,
            priority_holder_notice(court, prop, lot, holder.rank),
            court_id=court_id,
            case_id=case_id,
            lot_id=lot.id,
        )
    await transition(session, lot, LotStatus.ANNOUNCED, actor_user_id=user.id)
    await add_timeline(session, lot, TimelineKind.ANNOUNCED, notice.title_zh)
    return announcement


async def holder_lines(session: AsyncSession, holders: list[PriorityHolder]) -> list[HolderLine]:
    query = sa.select(User.id, User.real_name).where(User.id.in_([h.user_id for h in holders]))
    names = {user_id: name for user_id, name in await session.execute(query)}
    return [HolderLine(names.get(h.user_id, ""), h.rank, h.right) for h in holders]


async def delete_draft(session: AsyncSession, user: User, lot_id: int) -> None:
    """A draft is the court's private working copy: nothing about it was announced and nobody
    could register, so a mistaken one is removed outright (a published lot is withdrawn instead,
    in public)."""
    lot, _, _ = await lot_for_staff(session, user, lot_id)
    if lot.status is not LotStatus.DRAFT:
        raise Conflict("only a draft can be deleted; withdraw a published lot instead", code="invalid_status")
    await session.execute(sa.delete(PriorityHolder).where(PriorityHolder.lot_id == lot.id))
    await session.execute(sa.delete(LotTransition).where(LotTransition.lot_id == lot.id))
    await session.delete(lot)
    await session.flush()


async def add_priority_holder(
    session: AsyncSession,
    user: User,
    lot_id: int,
    holder_id: int,
    rank: int,
    right: PriorityRight = PriorityRight.OTHER,
) -> PriorityHolder:
    lot, _, _ = await lot_for_staff(session, user, lot_id)
    if lot.status not in (LotStatus.DRAFT, LotStatus.ANNOUNCED):
        raise Conflict("priority holders are confirmed before bidding starts", code="invalid_status")
    if not 1 <= rank <= 100:
        raise ValidationFailed("rank 1 is the highest", fields={"rank": "out_of_range"})
    if await session.get(User, holder_id) is None:
        raise ValidationFailed("no such user", fields={"user_id": "not_found"})
    if await session.scalar(
        sa.select(PriorityHolder.id).where(
            PriorityHolder.lot_id == lot.id, PriorityHolder.user_id == holder_id
        )
    ):
        raise Conflict("this user already holds a priority right on the lot", code="already_confirmed")
    holder = PriorityHolder(lot_id=lot.id, user_id=holder_id, rank=rank, right=right)
    session.add(holder)
    if lot.status is LotStatus.DRAFT:
        _withdraw_approval(lot)  # the priority holders are part of the approved terms
    # A holder who registered before the confirmation bids with the priority rank from now on.
    await session.execute(
        sa.update(Registration)
        .where(Registration.lot_id == lot.id, Registration.user_id == holder_id)
        .values(priority_rank=rank)
    )
    await session.flush()
    return holder
