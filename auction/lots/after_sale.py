"""After the hammer: the winner paid the balance (the lot is settled and the proceeds are the
case's), or did not (悔拍: the deposit is forfeited and the defaulter barred)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import lot_for_staff
from auction.disclosure.notices import publish, records_of
from auction.disclosure.texts import default_notice
from auction.enums import DepositStatus, LotStatus, TimelineKind
from auction.errors import Conflict, NotFound
from auction.lots.deposits import move_deposit
from auction.lots.transitions import add_timeline, transition
from auction.models import (
    Lot,
    Registration,
    User,
)
from settlement import postings


async def _winner(session: AsyncSession, lot: Lot) -> Registration:
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
    winner = await _winner(session, lot)
    assert lot.result_price is not None
    await postings.balance_received(
        session,
        lot_id=lot.id,
        case_id=case_id,
        # A deposit covered by the buyer's claim paid nothing in: the whole price is due.
        amount=lot.result_price - (0 if winner.deposit_claim_id else winner.deposit_amount),
        payer=winner.bidder_code,
    )
    await transition(session, lot, LotStatus.SETTLED, actor_user_id=user.id)
    await add_timeline(session, lot, TimelineKind.PAID, str(lot.result_price))
    return lot


async def default_lot(session: AsyncSession, user: User, lot_id: int) -> Lot:
    """The winner did not pay (悔拍): the whole deposit is forfeited to the case."""
    lot, case_id, _ = await lot_for_staff(session, user, lot_id)
    if lot.status is not LotStatus.SOLD:
        raise Conflict(f"only a sold lot can default; this lot is {lot.status.value}", code="invalid_status")
    winner = await _winner(session, lot)
    await move_deposit(session, winner, DepositStatus.FORFEITED, case_id=case_id)
    await transition(session, lot, LotStatus.DEFAULTED, actor_user_id=user.id)
    await add_timeline(session, lot, TimelineKind.DEFAULTED, winner.bidder_code)
    court, _, prop = await records_of(session, lot)
    await publish(
        session,
        default_notice(court, prop, winner.bidder_code),
        court_id=court.id,
        case_id=case_id,
        lot_id=lot.id,
    )
    return lot
