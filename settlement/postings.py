"""Every movement of a sale's money before distribution, each one named balanced posting.

    deposit frozen     bank → bidder:reg            the court received the deposit
    deposit refunded   bidder:reg → bank            released to a non-winner (at once at the close)
    deposit applied    bidder:reg → case escrow     the winner's deposit counts toward the price
    deposit forfeited  case escrow → case forfeits  a defaulting winner loses it (悔拍)
    balance received   bank → case escrow           the winner paid the rest of the price

Each is idempotent (a repeat returns the first transaction) and flushes without committing,
so it commits or rolls back together with the state change the caller records. Callers pass
plain values: settlement knows registrations, lots and cases only by their ids.
"""

from __future__ import annotations

from dataclasses import dataclass

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
