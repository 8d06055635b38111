"""Art. 24's order for a forfeited deposit, at each boundary."""

from __future__ import annotations

import pytest

from settlement.forfeits import Forfeit, forfeit_uses


def uses(amount: int, costs: int, defaulted: int, reauction: int | None) -> tuple[int, int, int, bool]:
    (use,) = forfeit_uses([Forfeit(1, amount, defaulted, reauction)], costs)
    assert use.to_costs + use.to_shortfall + use.to_debt == amount
    return use.to_costs, use.to_shortfall, use.to_debt, use.shortfall_known


def test_costs_then_the_shortfall_then_the_debt() -> None:
    assert uses(100_000, 20_000, 1_000_000, 950_000) == (20_000, 50_000, 30_000, True)


def test_costs_larger_than_the_deposit_take_it_all() -> None:
    assert uses(100_000, 100_000, 1_000_000, 500_000) == (100_000, 0, 0, True)
    assert uses(100_000, 100_001, 1_000_000, 500_000) == (100_000, 0, 0, True)


def test_a_shortfall_larger_than_what_is_left_takes_the_rest() -> None:
    assert uses(100_000, 0, 1_000_000, 899_999) == (0, 100_000, 0, True)
    assert uses(100_000, 0, 1_000_000, 900_000) == (0, 100_000, 0, True)
    assert uses(100_000, 0, 1_000_000, 900_001) == (0, 99_999, 1, True)


def test_a_re_auction_at_or_above_the_defaulted_price_leaves_no_shortfall() -> None:
    assert uses(100_000, 0, 1_000_000, 1_000_000) == (0, 0, 100_000, True)
    assert uses(100_000, 0, 1_000_000, 1_200_000) == (0, 0, 100_000, True)


def test_before_the_re_auction_sells_the_shortfall_is_not_known() -> None:
    assert uses(100_000, 10_000, 1_000_000, None) == (10_000, 0, 90_000, False)


def test_the_costs_are_taken_once_across_several_forfeits() -> None:
    first, second = forfeit_uses([Forfeit(2, 50_000, 10, 10), Forfeit(1, 30_000, 10, 10)], 40_000)
    assert (first.lot_id, first.to_costs, second.lot_id, second.to_costs) == (1, 30_000, 2, 10_000)


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        forfeit_uses([Forfeit(1, -1, 0, None)], 0)
    with pytest.raises(ValueError):
        forfeit_uses([], -1)
