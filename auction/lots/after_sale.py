"""After the hammer: the winner paid the balance (the lot is settled and the proceeds are the
case's), or did not (悔拍: the deposit is forfeited and the defaulter barred); for a lot under a
housing purchase limit, the court records whether the buyer qualifies, and one who does not is
treated as a default (法释〔2021〕18号; RULES.md "Before the hammer")."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import lot_for_staff
from auction.disclosure.notices import publish, records_of
from auction.disclosure.texts import default_notice
from auction.enums import DepositStatus, LotStatus, TimelineKind
from auction.errors import Conflict, NotFound, ValidationFailed
from auction.lots.deposits import move_deposit
from auction.lots.set_off import cash_due, set_off_of
from auction.lots.transitions import add_timeline, transition
from auction.models import (
    Lot,
    Registration,
    User,
)
from core.db import utcnow
from settlement import plans, postings


async def winner_of(session: AsyncSession, lot: Lot) -> Registration:
    winner = (
        await session.get(Registration, lot.winner_registration_id) if lot.winner_registration_id else None
    )
    if winner is None:
        raise NotFound("the lot has no winner")
    return winner


async def balance_paid(session: AsyncSession, user: User, lot_id: int) -> Lot:
    """The winner paid the balance: the lot is settled and the proceeds are the case's."""
    lot, case_id, _ = await lot_for_staff(session, user, lot_id)
    if lot.status is not LotStatus.SOLD:
        raise Conflict(
            f"only a sold lot can be settled; this lot is {lot.status.value}", code="invalid_status"
        )
    winner = await winner_of(session, lot)
    set_off = await set_off_of(session, lot, winner)
    await postings.balance_received(
        session,
        lot_id=lot.id,
        case_id=case_id,
        amount=cash_due(lot, winner, set_off),
        payer=winner.bidder_code,
    )
    if winner.deposit_claim_id is not None:
        await postings.price_set_off(
            session, lot_id=lot.id, case_id=case_id, claim_id=winner.deposit_claim_id, amount=set_off
        )
    await transition(session, lot, LotStatus.SETTLED, actor_user_id=user.id)
    await add_timeline(session, lot, TimelineKind.PAID, str(lot.result_price))
    return lot


async def default_lot(session: AsyncSession, user: User, lot_id: int) -> Lot:
    """The winner did not pay (悔拍): the whole deposit is forfeited to the case."""
    lot, case_id, _ = await lot_for_staff(session, user, lot_id)
    if lot.status is not LotStatus.SOLD:
        raise Conflict(f"only a sold lot can default; this lot is {lot.status.value}", code="invalid_status")
    await _default(session, user, lot, case_id, reason="")
    return lot


async def _default(session: AsyncSession, user: User, lot: Lot, case_id: int, *, reason: str) -> None:
    winner = await winner_of(session, lot)
    if lot.status is LotStatus.SETTLED:
        # The price was paid: it goes back by reversing transactions; the deposit does not.
        await plans.release_sale(session, lot.id)
        await postings.price_returned(session, lot_id=lot.id, why=f"lot {lot.id}: default, {reason}")
    await move_deposit(session, winner, DepositStatus.FORFEITED, case_id=case_id)
    await transition(session, lot, LotStatus.DEFAULTED, actor_user_id=user.id, reason=reason)
    await add_timeline(session, lot, TimelineKind.DEFAULTED, winner.bidder_code)
    court, _, prop = await records_of(session, lot)
    await publish(
        session,
        default_notice(court, prop, winner.bidder_code),
        court_id=court.id,
        case_id=case_id,
        lot_id=lot.id,
    )


async def record_qualification(
    session: AsyncSession, user: User, lot_id: int, *, qualified: bool, note: str
) -> Lot:
    """The court's check that the buyer of a purchase-restricted lot qualifies under the local
    rule, recorded before the sale ruling; a buyer who does not is treated as a default (the
    deposit forfeited, a balance already paid returned)."""
    lot, case_id, _ = await lot_for_staff(session, user, lot_id)
    note = note.strip()
    if not note:
        raise ValidationFailed("say what was checked", fields={"note": "required"})
    if not lot.purchase_restriction:
        raise Conflict("this lot is not under a purchase limit", code="not_restricted")
    if lot.status not in (LotStatus.SOLD, LotStatus.SETTLED) or lot.qualified is not None:
        raise Conflict(
            "the check is recorded once, after the sale and before the ruling; "
            f"this lot is {lot.status.value}",
            code="invalid_status",
        )
    lot.qualified, lot.qualification_note, lot.qualified_at = qualified, note, utcnow()
    await add_timeline(
        session, lot, TimelineKind.QUALIFICATION, "qualified" if qualified else "not_qualified"
    )
    if not qualified:
        await _default(session, user, lot, case_id, reason=f"purchase limit: {note}")
    await session.flush()
    return lot
