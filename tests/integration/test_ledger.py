"""The double-entry ledger: balanced, append-only, derived balances, a trial balance."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from settlement import chart, ledger
from settlement.enums import EntrySide
from settlement.models import LedgerEntry


async def test_a_deposit_round_trip_balances(session: AsyncSession) -> None:
    reg, bank = chart.bidder_deposit(1), chart.bank()
    await ledger.post(session, "deposit_frozen", [ledger.debit(bank, 5_000), ledger.credit(reg, 5_000)])
    assert await ledger.balance(session, bank) == 5_000
    assert await ledger.balance(session, reg) == -5_000  # the court owes the bidder
    await ledger.post(session, "deposit_refunded", [ledger.debit(reg, 5_000), ledger.credit(bank, 5_000)])
    assert await ledger.balance(session, reg) == 0
    result = await ledger.check(session)
    assert result.ok and result.total_debits == result.total_credits == 10_000 and result.transactions == 2


@pytest.mark.parametrize(
    "entries",
    [
        [ledger.debit(chart.bank(), 5), ledger.credit(chart.bidder_deposit(1), 4)],
        [ledger.debit(chart.bank(), 0), ledger.credit(chart.bidder_deposit(1), 0)],
        [ledger.debit(chart.bank(), -5), ledger.credit(chart.bidder_deposit(1), -5)],
        [],
    ],
)
async def test_unbalanced_or_empty_postings_are_refused(session: AsyncSession, entries: list) -> None:
    with pytest.raises(ledger.LedgerError):
        await ledger.post(session, "bad", entries)
    assert (await ledger.check(session)).transactions == 0


async def test_an_idempotency_key_posts_once(session: AsyncSession) -> None:
    entries = [ledger.debit(chart.bank(), 7), ledger.credit(chart.case_escrow(3), 7)]
    first = await ledger.post(session, "balance_received", entries, idempotency_key="lot:9:balance")
    again = await ledger.post(session, "balance_received", entries, idempotency_key="lot:9:balance")
    assert first.id == again.id
    assert await ledger.balance(session, chart.case_escrow(3)) == -7


async def test_a_mistake_is_reversed_never_edited(session: AsyncSession) -> None:
    wrong = await ledger.post(
        session, "x", [ledger.debit(chart.bank(), 9), ledger.credit(chart.debtor(1), 9)]
    )
    reversal = await ledger.reverse(session, wrong.id, "entered twice")
    assert reversal.reverses_id == wrong.id
    assert await ledger.balance(session, chart.debtor(1)) == 0
    assert (await ledger.reverse(session, wrong.id, "again")).id == reversal.id
    assert (await ledger.check(session)).ok


async def test_the_check_finds_a_tampered_entry(session: AsyncSession) -> None:
    posted = await ledger.post(
        session, "x", [ledger.debit(chart.bank(), 9), ledger.credit(chart.debtor(2), 9)]
    )
    await session.execute(
        sa.update(LedgerEntry)
        .where(LedgerEntry.transaction_id == posted.id, LedgerEntry.side == EntrySide.DEBIT)
        .values(amount=10)
    )
    result = await ledger.check(session)
    assert not result.ok and result.unbalanced_transactions == (posted.id,)
