from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.money import YUAN
from settlement.fees import commission_cap, enforcement_fee


@pytest.mark.parametrize(
    ("yuan", "fee_yuan"),
    [
        (0, 0),
        (1, 50),
        (10_000, 50),
        (1_000_000, 12_400),  # docs/rules.md's check: 50 + 7 350 + 5 000
        (500_000, 50 + 7_350),
        (5_000_000, 50 + 7_350 + 45_000),
        (10_000_000, 50 + 7_350 + 45_000 + 25_000),
        (20_000_000, 50 + 7_350 + 45_000 + 25_000 + 10_000),
    ],
)
def test_enforcement_fee_bands(yuan: int, fee_yuan: int) -> None:
    assert enforcement_fee(yuan * YUAN) == fee_yuan * YUAN


def test_rounding_is_to_the_nearest_fen_halves_up() -> None:
    # 10 000 yuan + 1 fen: 1 fen × 1.5 % = 0.015 fen -> 0
    assert enforcement_fee(10_000 * YUAN + 1) == 50 * YUAN
    # + 33 fen: 0.495 fen -> 0; + 34 fen: 0.51 fen -> 1
    assert enforcement_fee(10_000 * YUAN + 33) == 50 * YUAN
    assert enforcement_fee(10_000 * YUAN + 34) == 50 * YUAN + 1


@pytest.mark.parametrize(
    ("yuan", "cap_yuan"),
    [
        (0, 0),
        (1_000_000, 50_000),
        (2_000_000, 100_000),
        (10_000_000, 100_000 + 240_000),
        (60_000_000, 100_000 + 240_000 + 800_000 + 100_000),
        (200_000_000, 100_000 + 240_000 + 800_000 + 500_000 + 500_000),
    ],
)
def test_commission_caps(yuan: int, cap_yuan: int) -> None:
    assert commission_cap(yuan * YUAN) == cap_yuan * YUAN


@given(st.integers(0, 10**13), st.integers(0, 10**13))
def test_schedules_never_decrease(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert enforcement_fee(low) <= enforcement_fee(high)
    assert commission_cap(low) <= commission_cap(high)


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="never negative"):
        commission_cap(-1)


def test_the_breakdown_shows_each_band_and_adds_up() -> None:
    from settlement.fees import enforcement_fee_breakdown

    parts = enforcement_fee_breakdown(1_000_000 * YUAN)
    assert [(p.rate_bp, p.base // YUAN, p.fee // YUAN) for p in parts] == [
        (None, 10_000, 50),
        (150, 490_000, 7_350),
        (100, 500_000, 5_000),
    ]
    assert sum(p.fee for p in parts) == enforcement_fee(1_000_000 * YUAN)
    assert enforcement_fee_breakdown(0) == []
