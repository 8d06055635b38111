"""Notices before the announcement (the Provisions art. 16): the court notifies the parties (the
debtor, the case's creditors) and the known priority holders at least three days before the
announcement is published (spc2016), in a way that is recorded.

Account holders are notified on the platform (the notice is on their own page) and, where they
follow the case by e-mail or text message, through that notifier; every attempt is a row, failed
ones included. Parties reached otherwise (the debtor by post, say), or who cannot be reached, are
recorded by the court. A holder notified and not registered by the close has waived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import lot_for_staff
from auction.disclosure.announcement_items import NoticeLine
from auction.enums import Channel, LotStatus
from auction.errors import Conflict, ValidationFailed
from auction.models import (
    CaseSubscription,
    Claim,
    EnforcementCase,
    Lot,
    PartyNotice,
    PriorityHolder,
    Property,
    Registration,
    User,
)
from auction.notifications.channels import DeliveryError, Notifier, UnsendableMessage
from core.display import cst_minutes

OUTSIDE_MEANS = frozenset({"post", "in_person", "phone", "unreachable"})
# What a notice that counts looks like: it reached them, or it was recorded, or the court
# recorded that they cannot be reached (the announcement then says so).
COUNTS = frozenset({"delivered", "recorded", "unreachable"})


@dataclass(frozen=True, slots=True)
class Party:
    """Someone art. 16 requires to be notified, by a stable reference."""

    party: str  # debtor | creditor | priority_holder
    ref: str  # "debtor", "claim:<id>", "holder:<user id>"
    name: str
    user_id: int | None


@dataclass(frozen=True, slots=True)
class OutsideNotice:
    """A notice the court made off the platform (or the record that none could be made)."""

    ref: str
    means: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class NoticeFact:
    ref: str
    status: str
    sent_at: dt.datetime


def missing_notices(
    parties: Iterable[Party], notices: Iterable[NoticeFact], now: dt.datetime, lead: dt.timedelta
) -> dict[str, str]:
    """Reference -> `not_notified` | `too_recent` for each party without a counting notice sent
    at least `lead` before `now` (pure: every boundary is tested without services)."""
    earliest: dict[str, dt.datetime] = {}
    for notice in notices:
        if notice.status in COUNTS:
            earliest[notice.ref] = min(notice.sent_at, earliest.get(notice.ref, notice.sent_at))
    errors = {}
    for party in parties:
        if party.ref not in earliest:
            errors[party.ref] = "not_notified"
        elif now - earliest[party.ref] < lead:
            errors[party.ref] = "too_recent"
    return errors


def notified_lines(parties: Iterable[Party], notices: Iterable[NoticeFact]) -> list[NoticeLine]:
    """Who was notified and who could not be reached, for the announcement (art. 14 (7))."""
    statuses: dict[str, set[str]] = {}
    for notice in notices:
        statuses.setdefault(notice.ref, set()).add(notice.status)
    lines = []
    for party in parties:
        seen = statuses.get(party.ref, set())
        if seen & {"delivered", "recorded"}:
            lines.append(NoticeLine(party.name, True))
        elif "unreachable" in seen:
            lines.append(NoticeLine(party.name, False))
    return lines


async def parties_of(session: AsyncSession, lot: Lot) -> list[Party]:
    case = await session.scalar(
        sa.select(EnforcementCase)
        .join(Property, Property.case_id == EnforcementCase.id)
        .where(Property.id == lot.property_id)
    )
    assert case is not None
    parties = [Party("debtor", "debtor", case.debtor_name, None)]
    claims = await session.scalars(sa.select(Claim).where(Claim.case_id == case.id).order_by(Claim.id))
    parties += [Party("creditor", f"claim:{c.id}", c.creditor_name, c.creditor_user_id) for c in claims]
    holders = await session.execute(
        sa.select(PriorityHolder.user_id, User.real_name)
        .join(User, User.id == PriorityHolder.user_id)
        .where(PriorityHolder.lot_id == lot.id)
        .order_by(PriorityHolder.rank)
    )
    parties += [Party("priority_holder", f"holder:{uid}", name, uid) for uid, name in holders]
    return parties


async def notices_of(session: AsyncSession, lot_id: int) -> list[PartyNotice]:
    return list(
        await session.scalars(
            sa.select(PartyNotice).where(PartyNotice.lot_id == lot_id).order_by(PartyNotice.id)
        )
    )


def facts_of(notices: Iterable[PartyNotice]) -> list[NoticeFact]:
    return [NoticeFact(n.party_ref, n.status, n.sent_at) for n in notices]


def _message(lot: Lot, title: str) -> tuple[str, str]:
    subject = f"拍卖通知：{title}"
    body = (
        f"法院将对{title}进行网络司法拍卖，拍卖时间 {cst_minutes(lot.start_at)} 至 {cst_minutes(lot.end_at)}"
        "（UTC+8）。优先购买权人未参与竞买的，视为放弃优先购买权。\n"
        f"The court will auction {title} online from {cst_minutes(lot.start_at)} "
        f"to {cst_minutes(lot.end_at)} (UTC+8). "
        "A priority holder who does not take part is taken to have waived the right."
    )
    return subject, body


async def notify_parties(
    session: AsyncSession,
    user: User,
    lot_id: int,
    outside: list[OutsideNotice],
    notifiers: Mapping[Channel, Notifier],
) -> list[PartyNotice]:
    """Notify every account-holding party on the platform (and by their case subscription's
    e-mail or text message), and record the court's notices made otherwise."""
    lot, case_id, _ = await lot_for_staff(session, user, lot_id)
    if lot.status not in (LotStatus.DRAFT, LotStatus.ANNOUNCED):
        raise Conflict("the parties are notified before bidding starts", code="invalid_status")
    parties = {p.ref: p for p in await parties_of(session, lot)}
    _check_outside(outside, parties)
    title = await session.scalar(sa.select(Property.title).where(Property.id == lot.property_id)) or ""
    subject, body = _message(lot, title)
    made: list[PartyNotice] = []

    def record(party: Party, means: str, status: str, detail: str = "") -> None:
        made.append(
            PartyNotice(
                lot_id=lot.id,
                party=party.party,
                party_ref=party.ref,
                user_id=party.user_id,
                name=party.name[:200],
                means=means,
                status=status,
                detail=detail,
                recorded_by=user.id,
            )
        )

    for party in parties.values():
        if party.user_id is None:
            continue
        record(party, "platform", "delivered", subject)
        subscription = await session.scalar(
            sa.select(CaseSubscription).where(
                CaseSubscription.user_id == party.user_id, CaseSubscription.case_id == case_id
            )
        )
        for channel, status, detail in await _by_subscription(subscription, notifiers, subject, body):
            record(party, channel, status, detail)
    for notice in outside:
        status = "unreachable" if notice.means == "unreachable" else "recorded"
        record(parties[notice.ref], notice.means, status, notice.detail)
    session.add_all(made)
    await session.flush()
    return made


def _check_outside(outside: list[OutsideNotice], parties: Mapping[str, Party]) -> None:
    errors = {}
    for index, notice in enumerate(outside):
        if notice.ref not in parties:
            errors[f"outside.{index}.ref"] = "not_a_party"
        if notice.means not in OUTSIDE_MEANS:
            errors[f"outside.{index}.means"] = "invalid_choice"
        if len(notice.detail) > 500:
            errors[f"outside.{index}.detail"] = "too_long"
    if errors:
        raise ValidationFailed("the notices are not valid", fields=errors)


async def _by_subscription(
    subscription: CaseSubscription | None, notifiers: Mapping[Channel, Notifier], subject: str, body: str
) -> list[tuple[str, str, str]]:
    """(means, status, detail) of each e-mail or text message the party's subscription asks for;
    a failed delivery is recorded, not raised: the notice on the platform stands."""
    if subscription is None:
        return []
    attempts: list[tuple[str, str, str]] = []
    for channel, address in ((Channel.EMAIL, subscription.email), (Channel.SMS, subscription.phone)):
        if address and channel.value in subscription.channels and channel in notifiers:
            try:
                await notifiers[channel].send(address, subject, body)
                attempts.append((channel.value, "delivered", address[:3] + "…"))
            except (DeliveryError, UnsendableMessage) as exc:
                attempts.append((channel.value, "failed", str(exc)[:500]))
    return attempts


async def record_waivers(session: AsyncSession, lot: Lot, at: dt.datetime) -> None:
    """At the close: a priority holder who was notified and did not register has waived."""
    notified = sa.select(PartyNotice.user_id).where(
        PartyNotice.lot_id == lot.id, PartyNotice.party == "priority_holder", PartyNotice.status.in_(COUNTS)
    )
    registered = sa.select(Registration.user_id).where(Registration.lot_id == lot.id)
    await session.execute(
        sa.update(PriorityHolder)
        .where(
            PriorityHolder.lot_id == lot.id,
            PriorityHolder.waived_at.is_(None),
            PriorityHolder.user_id.in_(notified),
            PriorityHolder.user_id.not_in(registered),
        )
        .values(waived_at=at)
    )


class OwnNotice(msgspec.Struct, frozen=True):
    """A notice the court sent a party, as their own page lists it."""

    lot_id: int
    title: str
    party: str
    means: str
    status: str
    sent_at: str


async def my_notices(session: AsyncSession, user: User) -> list[OwnNotice]:
    rows = await session.execute(
        sa.select(PartyNotice, Property.title)
        .join(Lot, Lot.id == PartyNotice.lot_id)
        .join(Property, Property.id == Lot.property_id)
        .where(PartyNotice.user_id == user.id)
        .order_by(PartyNotice.id.desc())
        .limit(200)
    )
    return [
        OwnNotice(n.lot_id, title, n.party, n.means, n.status, n.sent_at.isoformat()) for n, title in rows
    ]
