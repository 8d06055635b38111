"""The allocation waterfall: worked examples and its invariants under hypothesis."""

from __future__ import annotations

import datetime as dt
import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import YUAN
from settlement.enums import ClaimKind, DebtorKind
from settlement.fees import enforcement_fee
from settlement.waterfall import (
    AllocationError,
    ClaimInput,
    CostItem,
    EarlierPlans,
    SaleProceeds,
    allocate,
    largest_remainder,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def by_id(allocation: object) -> dict[int, int]:
    return {line.claim_id: line.allocated for line in allocation.lines}  # type: ignore[attr-defined]


def test_construction_two_mortgages_and_three_ordinary_creditors() -> None:
    claims = [
        ClaimInput(1, "华建建设", ClaimKind.PRIORITY, 500_000 * YUAN, property_id=10),
        ClaimInput(2, "杭州银行", ClaimKind.SECURED, 1_200_000 * YUAN, rank=1, property_id=10),
        ClaimInput(3, "浙商银行", ClaimKind.SECURED, 800_000 * YUAN, rank=2, property_id=10),
        ClaimInput(4, "甲", ClaimKind.ORDINARY, 400_000 * YUAN),
        ClaimInput(5, "乙", ClaimKind.ORDINARY, 300_000 * YUAN),
        ClaimInput(6, "丙", ClaimKind.ORDINARY, 100_000 * YUAN),
    ]
    costs = [CostItem("评估费 appraisal", 20_000 * YUAN), CostItem("保管费 storage", 5_000 * YUAN)]
    plan = allocate([SaleProceeds(10, 3_000_000 * YUAN)], costs, claims, DebtorKind.NATURAL)
    # amount enforced = min(3 000 000 − 25 000, 3 300 000) = 2 975 000 → fee 50 + 7 350 + 24 750
    assert plan.enforcement_fee == plan.enforcement_fee_allocated == 32_150 * YUAN
    assert [c.allocated for c in plan.costs] == [20_000 * YUAN, 5_000 * YUAN]
    # 2 942 850 left: construction, rank 1, rank 2 in full; 442 850 pro rata over 800 000
    assert by_id(plan) == {
        1: 500_000 * YUAN,
        2: 1_200_000 * YUAN,
        3: 800_000 * YUAN,
        4: 22_142_500,
        5: 16_606_875,
        6: 5_535_625,
    }
    assert plan.remainder_to_debtor == 0
    assert [line.reason for line in plan.lines] == [
        "construction_priority",
        "secured_rank_1",
        "secured_rank_2",
        "ordinary_pro_rata",
        "ordinary_pro_rata",
        "ordinary_pro_rata",
    ]
    assert plan.total_out == plan.proceeds


def test_a_second_mortgage_gets_nothing_while_the_first_is_unpaid() -> None:
    claims = [
        ClaimInput(1, "一押", ClaimKind.SECURED, 900_000 * YUAN, rank=1, property_id=1),
        ClaimInput(2, "二押", ClaimKind.SECURED, 500_000 * YUAN, rank=2, property_id=1),
        ClaimInput(3, "普通", ClaimKind.ORDINARY, 100_000 * YUAN),
    ]
    plan = allocate([SaleProceeds(1, 800_000 * YUAN)], [], claims, DebtorKind.LEGAL)
    fee = plan.enforcement_fee
    assert by_id(plan) == {1: 800_000 * YUAN - fee, 2: 0, 3: 0}


def test_secured_claims_take_only_from_their_own_property() -> None:
    claims = [
        ClaimInput(1, "押A", ClaimKind.SECURED, 1_000 * YUAN, rank=1, property_id=1),
        ClaimInput(2, "押B", ClaimKind.SECURED, 50_000 * YUAN, rank=1, property_id=2),
        ClaimInput(3, "押C", ClaimKind.SECURED, 50_000 * YUAN, rank=1, property_id=3),  # not sold
        ClaimInput(4, "普通", ClaimKind.ORDINARY, 200_000 * YUAN),
    ]
    proceeds = [SaleProceeds(1, 100_000 * YUAN), SaleProceeds(2, 20_000 * YUAN)]
    plan = allocate(proceeds, [], claims, DebtorKind.NATURAL)
    lines = {line.claim_id: line for line in plan.lines}
    assert lines[1].allocated == 1_000 * YUAN
    assert lines[2].allocated < 20_000 * YUAN  # property 2 alone, less its share of the fee
    assert (lines[3].allocated, lines[3].reason) == (0, "property_not_sold")
    assert lines[4].allocated > 0 and plan.total_out == plan.proceeds


def test_legal_person_debtor_pays_ordinary_claims_in_seizure_order() -> None:
    claims = [
        ClaimInput(1, "后查封", ClaimKind.ORDINARY, 60_000 * YUAN, seized_at=T0 + dt.timedelta(days=2)),
        ClaimInput(2, "先查封", ClaimKind.ORDINARY, 60_000 * YUAN, seized_at=T0),
        ClaimInput(3, "未查封", ClaimKind.ORDINARY, 60_000 * YUAN),
    ]
    plan = allocate([SaleProceeds(1, 100_000 * YUAN)], [], claims, DebtorKind.LEGAL)
    left = 100_000 * YUAN - plan.enforcement_fee
    assert by_id(plan) == {2: 60_000 * YUAN, 1: left - 60_000 * YUAN, 3: 0}
    assert {line.reason for line in plan.lines} == {"ordinary_seizure_order"}


def test_whatever_is_left_goes_back_to_the_debtor() -> None:
    claims = [ClaimInput(1, "甲", ClaimKind.ORDINARY, 10_000 * YUAN)]
    plan = allocate(
        [SaleProceeds(1, 100_000 * YUAN)], [CostItem("评估", 1_000 * YUAN)], claims, DebtorKind.NATURAL
    )
    assert by_id(plan) == {1: 10_000 * YUAN}
    assert plan.enforcement_fee == 50 * YUAN  # on min(99 000, 10 000) = 10 000 yuan
    assert plan.remainder_to_debtor == (100_000 - 1_000 - 50 - 10_000) * YUAN


def test_costs_beyond_the_proceeds_are_covered_as_far_as_they_go() -> None:
    plan = allocate([SaleProceeds(1, 500)], [CostItem("a", 400), CostItem("b", 400)], [], DebtorKind.NATURAL)
    assert [c.allocated for c in plan.costs] == [400, 100]
    assert plan.enforcement_fee == 0 and plan.remainder_to_debtor == 0


def test_largest_remainder_ties_go_to_the_earlier_claim() -> None:
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert largest_remainder(2, [1, 1, 1]) == [1, 1, 0]
    assert largest_remainder(0, [5, 5]) == [0, 0]
    assert largest_remainder(7, [0, 0]) == [0, 0]


def test_bad_input_is_refused() -> None:
    with pytest.raises(AllocationError):
        allocate([SaleProceeds(1, -1)], [], [], DebtorKind.NATURAL)
    with pytest.raises(AllocationError):
        allocate([], [], [ClaimInput(1, "x", ClaimKind.ORDINARY, 0)], DebtorKind.NATURAL)
    with pytest.raises(AllocationError):
        twice = [ClaimInput(1, "x", ClaimKind.ORDINARY, 5), ClaimInput(1, "y", ClaimKind.ORDINARY, 5)]
        allocate([], [], twice, DebtorKind.NATURAL)


# -- invariants -------------------------------------------------------------------------

PROPERTIES = (1, 2, 3)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[SaleProceeds], list[CostItem], list[ClaimInput], DebtorKind]:
    sold = draw(st.lists(st.sampled_from(PROPERTIES), min_size=1, max_size=3, unique=True))
    proceeds = [SaleProceeds(p, draw(st.integers(0, 10**10))) for p in sold]
    costs = [CostItem(f"c{n}", draw(st.integers(0, 10**8))) for n in range(draw(st.integers(0, 3)))]
    claims = []
    for claim_id in draw(st.lists(st.integers(1, 10_000), min_size=0, max_size=12, unique=True)):
        kind = draw(st.sampled_from(list(ClaimKind)))
        property_id = draw(st.sampled_from(PROPERTIES)) if kind is not ClaimKind.ORDINARY else None
        if kind is ClaimKind.PRIORITY and draw(st.booleans()):
            property_id = None
        claims.append(
            ClaimInput(
                claim_id,
                f"creditor {claim_id}",
                kind,
                draw(st.integers(1, 10**10)),
                rank=draw(st.integers(1, 4)) if kind is ClaimKind.SECURED else None,
                property_id=property_id,
                seized_at=draw(st.none() | st.integers(0, 50).map(lambda d: T0 + dt.timedelta(days=d))),
            )
        )
    return proceeds, costs, claims, draw(st.sampled_from(list(DebtorKind)))


@given(cases())
def test_everything_adds_up_to_the_fen_and_nobody_gets_more_than_owed(case: tuple) -> None:
    proceeds, costs, claims, debtor = case
    plan = allocate(proceeds, costs, claims, debtor)
    assert plan.total_out == plan.proceeds == sum(s.amount for s in proceeds)
    assert all(0 <= line.allocated <= line.claimed for line in plan.lines)
    assert all(0 <= cost.allocated <= cost.amount for cost in plan.costs)
    assert plan.remainder_to_debtor >= 0


@given(cases())
def test_a_lower_rank_gets_nothing_while_a_higher_rank_on_the_same_property_is_unpaid(case: tuple) -> None:
    proceeds, costs, claims, debtor = case
    plan = allocate(proceeds, costs, claims, debtor)
    lines = {line.claim_id: line for line in plan.lines}
    attached = [c for c in claims if c.kind is not ClaimKind.ORDINARY and c.property_id is not None]
    for higher in attached:
        if lines[higher.claim_id].allocated == higher.amount:
            continue
        for lower in attached:
            outranked = lower.kind is ClaimKind.SECURED and (
                higher.kind is ClaimKind.PRIORITY
                or (lower.rank, lower.claim_id) > (higher.rank, higher.claim_id)  # type: ignore[operator]
            )
            if lower.property_id == higher.property_id and lower is not higher and outranked:
                assert lines[lower.claim_id].allocated == 0
    unpaid_ordinary = any(
        lines[c.claim_id].allocated < c.amount for c in claims if c.kind is ClaimKind.ORDINARY
    )
    if unpaid_ordinary:
        assert plan.remainder_to_debtor == 0


@given(cases())
def test_pro_rata_shares_are_within_one_fen_of_the_exact_share(case: tuple) -> None:
    proceeds, costs, claims, _ = case
    plan = allocate(proceeds, costs, claims, DebtorKind.NATURAL)
    ordinary = [c for c in claims if c.kind is ClaimKind.ORDINARY]
    lines = {line.claim_id: line for line in plan.lines}
    paid = sum(lines[c.claim_id].allocated for c in ordinary)
    wanted = sum(c.amount for c in ordinary)
    for claim in ordinary:
        exact = Fraction(paid * claim.amount, wanted) if wanted else Fraction(0)
        assert abs(lines[claim.claim_id].allocated - exact) < 1


@given(cases())
def test_seizure_order_pays_earlier_seizures_in_full_first(case: tuple) -> None:
    proceeds, costs, claims, _ = case
    plan = allocate(proceeds, costs, claims, DebtorKind.LEGAL)
    lines = {line.claim_id: line for line in plan.lines}
    ordinary = sorted(
        (c for c in claims if c.kind is ClaimKind.ORDINARY),
        key=lambda c: (c.seized_at is None, c.seized_at or T0, c.claim_id),
    )
    for earlier, later in itertools.pairwise(ordinary):
        if lines[later.claim_id].allocated > 0:
            assert lines[earlier.claim_id].allocated == earlier.amount


@given(cases(), st.randoms())
def test_the_order_claims_were_entered_in_does_not_matter(case: tuple, rng: object) -> None:
    proceeds, costs, claims, debtor = case
    shuffled = list(claims)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    shuffled_proceeds = list(reversed(proceeds))
    assert allocate(shuffled_proceeds, costs, shuffled, debtor) == allocate(proceeds, costs, claims, debtor)


def test_a_case_paid_out_in_two_plans_pays_one_fee_on_the_whole() -> None:
    """Two plans of 1 000 000 yuan pay the fee on 2 000 000 (22 400), not twice on 1 000 000."""
    claims = [ClaimInput(1, "甲", ClaimKind.ORDINARY, 5_000_000 * YUAN)]
    first = allocate([SaleProceeds(1, 1_000_000 * YUAN)], [], claims, DebtorKind.NATURAL)
    assert (first.fee_base, first.enforcement_fee) == (1_000_000 * YUAN, 12_400 * YUAN)
    earlier = EarlierPlans(first.fee_base, first.enforcement_fee_allocated)
    owed = [ClaimInput(1, "甲", ClaimKind.ORDINARY, 5_000_000 * YUAN - first.lines[0].allocated)]
    second = allocate([SaleProceeds(2, 1_000_000 * YUAN)], [], owed, DebtorKind.NATURAL, earlier)
    assert second.enforcement_fee == 10_000 * YUAN  # 22 400 on 2 000 000, less the 12 400 paid
    assert first.enforcement_fee + second.enforcement_fee == enforcement_fee(2_000_000 * YUAN)
    assert second.total_out == second.proceeds


@given(parts=st.lists(st.integers(10_000 * YUAN, 20_000_000 * YUAN), min_size=1, max_size=5))
def test_plans_one_after_another_charge_the_fee_of_their_sum(parts: list[int]) -> None:
    """Each plan's proceeds cover its part of the fee (above 10 000 yuan they always do)."""
    charged, enforced = 0, 0
    for n, amount in enumerate(parts, start=1):
        claims = [ClaimInput(1, "甲", ClaimKind.ORDINARY, 10**14)]
        plan = allocate(
            [SaleProceeds(n, amount)], [], claims, DebtorKind.NATURAL, EarlierPlans(enforced, charged)
        )
        enforced, charged = enforced + plan.fee_base, charged + plan.enforcement_fee_allocated
    assert charged == enforcement_fee(sum(parts))


def test_earlier_plans_are_never_negative() -> None:
    with pytest.raises(AllocationError):
        allocate([SaleProceeds(1, 100)], [], [], DebtorKind.NATURAL, EarlierPlans(-1, 0))
