"""The chart of accounts: every ledger account the platform posts to, named in one place.

    bank                       the court's account at its bank (money in and out of the court)
    bidder:reg:<id>            what the court holds for one registration's deposit
    case:<id>:escrow           proceeds held for a case until distribution
    case:<id>:forfeits         deposits forfeited by defaulting buyers, until distributed
    court:<id>:fees            enforcement fees and costs the court keeps
    creditor:claim:<id>        what a claim's creditor has been allotted
    debtor:case:<id>           what goes back to the debtor

An account's balance is debits minus credits: the bank is positive when it holds money, an
account the court owes (a deposit, a case's proceeds) is negative.
"""

from __future__ import annotations

from dataclasses import dataclass

from settlement.enums import AccountKind


@dataclass(frozen=True, slots=True)
class Account:
    code: str
    kind: AccountKind
    name: str


def bank() -> Account:
    return Account("bank", AccountKind.BANK, "法院账户 court bank account")


def bidder_deposit(registration_id: int) -> Account:
    return Account(
        f"bidder:reg:{registration_id}",
        AccountKind.BIDDER,
        f"保证金 deposit of registration {registration_id}",
    )


def case_escrow(case_id: int) -> Account:
    return Account(f"case:{case_id}:escrow", AccountKind.CASE_ESCROW, f"案款 proceeds of case {case_id}")


def case_forfeits(case_id: int) -> Account:
    return Account(
        f"case:{case_id}:forfeits", AccountKind.CASE_ESCROW, f"没收保证金 forfeited deposits, case {case_id}"
    )


def court_fees(court_id: int) -> Account:
    return Account(
        f"court:{court_id}:fees", AccountKind.COURT_FEES, f"执行费用 fees and costs of court {court_id}"
    )


def creditor(claim_id: int) -> Account:
    return Account(f"creditor:claim:{claim_id}", AccountKind.CREDITOR, f"债权人 creditor of claim {claim_id}")


def debtor(case_id: int) -> Account:
    return Account(f"debtor:case:{case_id}", AccountKind.DEBTOR, f"被执行人 debtor of case {case_id}")
