"""Every movement of a sale's money before distribution, each one named balanced posting.

    deposit frozen     bank → bidder:reg            the court received the deposit
    deposit refunded   bidder:reg → bank            released to a non-winner (at once at the close)
    deposit applied    bidder:reg → case escrow     the winner's deposit counts toward the price
    deposit forfeited  case escrow → case forfeits  a defaulting winner loses it (悔拍)
    balance received   bank → case escrow           the winner paid the rest of the price
    price set off      creditor:claim → case escrow a creditor-buyer's claim covers part of the price
                                                    (art. 17); netted when the plan pays the claim
    deposit returned   case escrow → bank           an applied deposit given back: a sale annulled
                                                    through no fault of the buyer
    price returned     reversals of balance received and price set off, when a sale is undone

Each is idempotent (a repeat returns the first transaction) and flushes without committing,
so it commits or rolls back together with the state change the caller records. Callers pass
plain values: settlement knows registrations, lots and cases only by their ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from settlement import chart, ledger
from settlement.models import LedgerTransaction


@dataclass(frozen=True, slots=True)
class Deposit:
    """A registration's deposit, as settlement needs to know it."""

    registration_id: int
    amount: int
    lot_id: int
    case_id: int
    label: str  # what the memo calls it (the bidder code)


async def _deposit(
    session: AsyncSession, deposit: Deposit, movement: str, entries: list[ledger.Entry]
) -> LedgerTransaction:
    return await ledger.post(
        session,
        f"deposit_{movement}",
        entries,
        memo=f"registration {deposit.registration_id} ({deposit.label})",
        case_id=deposit.case_id,
        lot_id=deposit.lot_id,
        idempotency_key=f"deposit:{deposit.registration_id}:{movement}",
    )


async def deposit_frozen(session: AsyncSession, deposit: Deposit) -> LedgerTransaction:
    held = chart.bidder_deposit(deposit.registration_id)
    return await _deposit(
        session,
        deposit,
        "frozen",
        [ledger.debit(chart.bank(), deposit.amount), ledger.credit(held, deposit.amount)],
    )


async def deposit_refunded(session: AsyncSession, deposit: Deposit) -> LedgerTransaction:
    held = chart.bidder_deposit(deposit.registration_id)
    return await _deposit(
        session,
        deposit,
        "refunded",
        [ledger.debit(held, deposit.amount), ledger.credit(chart.bank(), deposit.amount)],
    )


async def deposit_applied(session: AsyncSession, deposit: Deposit) -> LedgerTransaction:
    held, escrow = chart.bidder_deposit(deposit.registration_id), chart.case_escrow(deposit.case_id)
    return await _deposit(
        session,
        deposit,
        "applied",
        [ledger.debit(held, deposit.amount), ledger.credit(escrow, deposit.amount)],
    )


async def deposit_forfeited(session: AsyncSession, deposit: Deposit) -> LedgerTransaction:
    escrow, forfeits = chart.case_escrow(deposit.case_id), chart.case_forfeits(deposit.case_id)
    return await _deposit(
        session,
        deposit,
        "forfeited",
        [ledger.debit(escrow, deposit.amount), ledger.credit(forfeits, deposit.amount)],
    )


async def balance_received(
    session: AsyncSession, *, lot_id: int, case_id: int, amount: int, payer: str
) -> LedgerTransaction | None:
    """The winner paid the rest of the price into the court's account; None when nothing was
    left to pay (the deposit covered it)."""
    if amount <= 0:
        return None
    return await ledger.post(
        session,
        "balance_received",
        [ledger.debit(chart.bank(), amount), ledger.credit(chart.case_escrow(case_id), amount)],
        memo=f"lot {lot_id} balance from {payer}",
        case_id=case_id,
        lot_id=lot_id,
        idempotency_key=f"lot:{lot_id}:balance",
    )


async def price_set_off(
    session: AsyncSession, *, lot_id: int, case_id: int, claim_id: int, amount: int
) -> LedgerTransaction | None:
    """Part of the price is set off against the buyer's own claim: the escrow holds it as if paid,
    and the claim's creditor account owes it until a plan's payout to that claim nets it."""
    if amount <= 0:
        return None
    return await ledger.post(
        session,
        "price_set_off",
        [ledger.debit(chart.creditor(claim_id), amount), ledger.credit(chart.case_escrow(case_id), amount)],
        memo=f"lot {lot_id} price set off against claim {claim_id}",
        case_id=case_id,
        lot_id=lot_id,
        idempotency_key=f"lot:{lot_id}:set_off",
    )


async def deposit_returned(session: AsyncSession, deposit: Deposit) -> LedgerTransaction:
    escrow = chart.case_escrow(deposit.case_id)
    return await _deposit(
        session,
        deposit,
        "returned",
        [ledger.debit(escrow, deposit.amount), ledger.credit(chart.bank(), deposit.amount)],
    )


async def price_returned(session: AsyncSession, *, lot_id: int, why: str) -> list[LedgerTransaction]:
    """Undo what the buyer paid of the price beyond the deposit (the balance, the set-off) by
    reversing transactions; nothing when nothing was paid. Idempotent, as every reversal."""
    keys = (f"lot:{lot_id}:balance", f"lot:{lot_id}:set_off")
    paid = await session.scalars(
        sa.select(LedgerTransaction.id).where(LedgerTransaction.idempotency_key.in_(keys))
    )
    return [await ledger.reverse(session, transaction_id, why) for transaction_id in paid]
