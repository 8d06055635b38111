"""The allocation waterfall, pure: who receives what from a case's sale proceeds.

Order (docs/rules.md, "Distributing the proceeds"):

1. Costs the court paid for the sale, in the order given; then the enforcement application fee
   on the amount enforced = min(proceeds − those costs, total of the claims). The fee is one
   fee on the case's whole amount enforced: a case paid out in several plans is charged, in
   each, the fee on everything enforced so far less what earlier plans charged.
   Both come off every property's proceeds in proportion to its share.
2. Priority claims, property by property: construction-price priority first, then claims
   secured on that property in registration order (rank 1 first), each up to its amount and
   only from that property's proceeds. A construction claim that names no property is paid
   from every property in turn (lowest property id first) before the securities.
3. Ordinary claims from what is left of all properties: pro rata by the largest-remainder
   method for a natural-person debtor, in seizure order for a legal person.
4. The rest goes back to the debtor.

Deterministic: the result depends on the claims' attributes (kind, rank, seizure time, id),
never on the order they are listed in. Ties go to the earlier claim (lower id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from settlement.enums import ClaimKind, DebtorKind
from settlement.fees import enforcement_fee


class AllocationError(ValueError):
    """The inputs cannot be allocated (negative amounts, duplicate ids)."""


@dataclass(frozen=True, slots=True)
class SaleProceeds:
    property_id: int
    amount: int


@dataclass(frozen=True, slots=True)
class CostItem:
    label: str
    amount: int


@dataclass(frozen=True, slots=True)
class ClaimInput:
    claim_id: int
    creditor_name: str
    kind: ClaimKind
    amount: int
    rank: int | None = None  # registration order of a security
    property_id: int | None = None  # the property it is secured on (or the construction)
    seized_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class CostLine:
    label: str
    amount: int
    allocated: int


@dataclass(frozen=True, slots=True)
class Line:
    claim_id: int
    creditor_name: str
    kind: ClaimKind
    rank: int | None
    claimed: int
    allocated: int
    reason: str  # which rule put the amount there


@dataclass(frozen=True, slots=True)
class Allocation:
    proceeds: int
    costs: tuple[CostLine, ...]
    enforcement_fee: int  # what the fee came to
    enforcement_fee_allocated: int  # what the proceeds covered of it
    fee_base: int  # the amount enforced by this allocation: what the fee is charged on
    lines: tuple[Line, ...]  # in claim id order
    remainder_to_debtor: int

    @property
    def total_out(self) -> int:
        return (
            sum(c.allocated for c in self.costs)
            + self.enforcement_fee_allocated
            + sum(line.allocated for line in self.lines)
            + self.remainder_to_debtor
        )


# -- integer sharing -------------------------------------------------------------------


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` into whole fen that add up to `total` exactly.

    Each part is the floor of its exact share, then the fen left over go one each to the
    largest fractional remainders; equal remainders go to the earlier weight.
    Precondition: total <= sum(weights) when the parts must not exceed their weights.
    """
    whole = sum(weights)
    if whole == 0:
        return [0] * len(weights)
    parts = [total * weight // whole for weight in weights]
    remainders = [total * weight % whole for weight in weights]
    left = total - sum(parts)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        parts[index] += 1
    return parts


class _Pools:
    """What is left of each property's proceeds, lowest property id first."""

    def __init__(self, proceeds: Sequence[SaleProceeds]) -> None:
        self.left: dict[int, int] = {}
        for sale in sorted(proceeds, key=lambda s: s.property_id):
            self.left[sale.property_id] = self.left.get(sale.property_id, 0) + sale.amount

    @property
    def total(self) -> int:
        return sum(self.left.values())

    def take_proportionally(self, amount: int) -> int:
        """Take up to `amount` from all pools in proportion to their size; return what was taken."""
        taken = min(amount, self.total)
        ids = list(self.left)
        for property_id, part in zip(ids, largest_remainder(taken, [self.left[i] for i in ids]), strict=True):
            self.left[property_id] -= part
        return taken

    def take_from(self, property_id: int, amount: int) -> int:
        taken = min(amount, self.left.get(property_id, 0))
        if taken:
            self.left[property_id] -= taken
        return taken

    def take_in_order(self, amount: int) -> int:
        taken = 0
        for property_id in self.left:
            taken += self.take_from(property_id, amount - taken)
        return taken


def _check(proceeds: Sequence[SaleProceeds], costs: Sequence[CostItem], claims: Sequence[ClaimInput]) -> None:
    if any(s.amount < 0 for s in proceeds) or any(c.amount < 0 for c in costs):
        raise AllocationError("proceeds and costs are never negative")
    if any(c.amount <= 0 for c in claims):
        raise AllocationError("every claim is for a positive amount")
    if len({c.claim_id for c in claims}) != len(claims):
        raise AllocationError("claim ids must be unique")


@dataclass(frozen=True, slots=True)
class EarlierPlans:
    """What the case's disbursed plans did before this one: the fee is one on the whole."""

    enforced: int = 0  # the amounts enforced they charged the fee on
    fee_charged: int = 0  # what they charged


def allocate(
    proceeds: Sequence[SaleProceeds],
    costs: Sequence[CostItem],
    claims: Sequence[ClaimInput],
    debtor_kind: DebtorKind,
    earlier: EarlierPlans = EarlierPlans(),
) -> Allocation:
    _check(proceeds, costs, claims)
    if earlier.enforced < 0 or earlier.fee_charged < 0:
        raise AllocationError("earlier plans' amounts are never negative")
    pools = _Pools(proceeds)
    total = pools.total

    cost_lines = tuple(CostLine(c.label, c.amount, pools.take_proportionally(c.amount)) for c in costs)
    costs_paid = sum(line.allocated for line in cost_lines)
    fee_base = min(total - costs_paid, sum(c.amount for c in claims))
    owed = enforcement_fee(earlier.enforced + fee_base) if fee_base > 0 else 0
    fee = max(owed - earlier.fee_charged, 0)
    fee_paid = pools.take_proportionally(fee)

    allocated: dict[int, tuple[int, str]] = {}
    for claim in _priority_order(claims, pools):
        if claim.kind is ClaimKind.PRIORITY and claim.property_id is None:
            got, reason = pools.take_in_order(claim.amount), "construction_priority"
        elif claim.property_id not in pools.left:
            got, reason = 0, "property_not_sold"
        else:
            got = pools.take_from(claim.property_id, claim.amount)
            reason = (
                "construction_priority" if claim.kind is ClaimKind.PRIORITY else f"secured_rank_{claim.rank}"
            )
        allocated[claim.claim_id] = (got, reason)

    ordinary = sorted((c for c in claims if c.kind is ClaimKind.ORDINARY), key=lambda c: c.claim_id)
    allocated.update(_ordinary(ordinary, pools, debtor_kind))

    lines = tuple(
        Line(c.claim_id, c.creditor_name, c.kind, c.rank, c.amount, *allocated[c.claim_id])
        for c in sorted(claims, key=lambda c: c.claim_id)
    )
    return Allocation(total, cost_lines, fee, fee_paid, fee_base, lines, pools.total)


def _priority_order(claims: Sequence[ClaimInput], pools: _Pools) -> list[ClaimInput]:
    """Construction priority without a property first, then per property: construction,
    then securities by rank."""
    unattached = sorted(
        (c for c in claims if c.kind is ClaimKind.PRIORITY and c.property_id is None),
        key=lambda c: c.claim_id,
    )
    attached = sorted(
        (c for c in claims if c.kind is not ClaimKind.ORDINARY and c not in unattached),
        key=lambda c: (
            c.property_id or 0,
            0 if c.kind is ClaimKind.PRIORITY else 1,
            c.rank if c.rank is not None else 1 << 30,
            c.claim_id,
        ),
    )
    return unattached + attached


def _ordinary(claims: list[ClaimInput], pools: _Pools, debtor_kind: DebtorKind) -> dict[int, tuple[int, str]]:
    if not claims:
        return {}
    available = pools.total
    if debtor_kind is DebtorKind.NATURAL:
        # Participation in distribution (参与分配): pro rata, whole fen, exact total.
        wanted = sum(c.amount for c in claims)
        shares = (
            [c.amount for c in claims]
            if available >= wanted
            else largest_remainder(available, [c.amount for c in claims])
        )
        pools.take_in_order(sum(shares))
        return {c.claim_id: (share, "ordinary_pro_rata") for c, share in zip(claims, shares, strict=True)}
    result = {}
    by_seizure = sorted(
        claims,
        key=lambda c: (
            c.seized_at is None,
            c.seized_at or dt.datetime.min.replace(tzinfo=dt.UTC),
            c.claim_id,
        ),
    )
    for claim in by_seizure:
        result[claim.claim_id] = (pools.take_in_order(claim.amount), "ordinary_seizure_order")
    return result
