"""The double-entry ledger: every movement of money is one balanced transaction.

Balances are derived from entries, never stored. A transaction is never edited: a mistake is
corrected by `reverse()`, which posts the mirror image. The accounts are `settlement.chart`'s.
Only `settlement` posts: `postings` (deposits, balances) and `plans` (distribution) name each
movement; the rest of the platform calls those.

Callers own the transaction (these functions flush, never commit), so a posting commits or
rolls back together with the state change it records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from settlement.chart import Account
from settlement.enums import EntrySide
from settlement.errors import SettlementError
from settlement.models import LedgerAccount, LedgerEntry, LedgerTransaction


class LedgerError(SettlementError, ValueError):
    """A posting that would not balance, or that names no money."""

    code = "ledger_unbalanced"


@dataclass(frozen=True, slots=True)
class Entry:
    account: Account
    side: EntrySide
    amount: int


def debit(account: Account, amount: int) -> Entry:
    return Entry(account, EntrySide.DEBIT, amount)


def credit(account: Account, amount: int) -> Entry:
    return Entry(account, EntrySide.CREDIT, amount)


async def _account_id(session: AsyncSession, account: Account) -> int:
    existing = await session.scalar(sa.select(LedgerAccount.id).where(LedgerAccount.code == account.code))
    if existing is not None:
        return existing
    # Concurrent creators of the same account: the unique code lets exactly one insert win.
    await session.execute(
        pg_insert(LedgerAccount)
        .values(code=account.code, kind=account.kind, name=account.name)
        .on_conflict_do_nothing(index_elements=["code"])
    )
    created = await session.scalar(sa.select(LedgerAccount.id).where(LedgerAccount.code == account.code))
    assert created is not None
    return created


async def post(
    session: AsyncSession,
    kind: str,
    entries: Sequence[Entry],
    *,
    memo: str = "",
    case_id: int | None = None,
    lot_id: int | None = None,
    idempotency_key: str | None = None,
) -> LedgerTransaction:
    """Record one balanced transaction; with an idempotency key, a repeat returns the first."""
    if idempotency_key is not None:
        earlier = await session.scalar(
            sa.select(LedgerTransaction).where(LedgerTransaction.idempotency_key == idempotency_key)
        )
        if earlier is not None:
            return earlier
    entries = [entry for entry in entries if entry.amount != 0]
    if any(entry.amount < 0 for entry in entries):
        raise LedgerError("entry amounts are positive; the side says which way money moves")
    debits = sum(e.amount for e in entries if e.side is EntrySide.DEBIT)
    credits = sum(e.amount for e in entries if e.side is EntrySide.CREDIT)
    if debits != credits or debits == 0:
        raise LedgerError(f"a transaction must balance and move money: debits {debits}, credits {credits}")
    transaction = LedgerTransaction(
        kind=kind, memo=memo, case_id=case_id, lot_id=lot_id, idempotency_key=idempotency_key
    )
    session.add(transaction)
    await session.flush()
    for entry in entries:
        session.add(
            LedgerEntry(
                transaction_id=transaction.id,
                account_id=await _account_id(session, entry.account),
                side=entry.side,
                amount=entry.amount,
            )
        )
    await session.flush()
    return transaction


async def reverse(session: AsyncSession, transaction_id: int, memo: str) -> LedgerTransaction:
    """Post the mirror image of a transaction (once)."""
    original = await session.get(LedgerTransaction, transaction_id)
    if original is None:
        raise LedgerError(f"no ledger transaction {transaction_id}")
    rows = await session.execute(
        sa.select(LedgerAccount, LedgerEntry.side, LedgerEntry.amount)
        .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
        .where(LedgerEntry.transaction_id == transaction_id)
    )
    mirrored = [
        Entry(
            Account(row.LedgerAccount.code, row.LedgerAccount.kind, row.LedgerAccount.name),
            EntrySide.CREDIT if row.side is EntrySide.DEBIT else EntrySide.DEBIT,
            row.amount,
        )
        for row in rows
    ]
    reversal = await post(
        session,
        f"reversal:{original.kind}",
        mirrored,
        memo=memo,
        case_id=original.case_id,
        lot_id=original.lot_id,
        idempotency_key=f"reverse:{transaction_id}",
    )
    reversal.reverses_id = transaction_id
    await session.flush()
    return reversal


def _signed() -> sa.ColumnElement[int]:
    return sa.case((LedgerEntry.side == EntrySide.DEBIT, LedgerEntry.amount), else_=-LedgerEntry.amount)


async def balance(session: AsyncSession, account: Account) -> int:
    """Debits minus credits of the account (0 for an account never used)."""
    value = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(_signed()), 0))
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .where(LedgerAccount.code == account.code)
    )
    return int(value or 0)


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    accounts: int
    transactions: int
    total_debits: int
    total_credits: int
    unbalanced_transactions: tuple[int, ...]

    @property
    def ok(self) -> bool:
        return self.total_debits == self.total_credits and not self.unbalanced_transactions


async def check(session: AsyncSession) -> LedgerCheck:
    """The trial balance, and every transaction whose own entries do not balance."""
    debit_sum = sa.func.coalesce(
        sa.func.sum(sa.case((LedgerEntry.side == EntrySide.DEBIT, LedgerEntry.amount), else_=0)), 0
    )
    credit_sum = sa.func.coalesce(
        sa.func.sum(sa.case((LedgerEntry.side == EntrySide.CREDIT, LedgerEntry.amount), else_=0)), 0
    )
    totals = (await session.execute(sa.select(debit_sum, credit_sum))).one()
    unbalanced = await session.scalars(
        sa.select(LedgerEntry.transaction_id)
        .group_by(LedgerEntry.transaction_id)
        .having(sa.func.sum(_signed()) != 0)
        .order_by(LedgerEntry.transaction_id)
    )
    return LedgerCheck(
        accounts=int(await session.scalar(sa.select(sa.func.count()).select_from(LedgerAccount)) or 0),
        transactions=int(
            await session.scalar(sa.select(sa.func.count()).select_from(LedgerTransaction)) or 0
        ),
        total_debits=int(totals[0]),
        total_credits=int(totals[1]),
        unbalanced_transactions=tuple(unbalanced),
    )
