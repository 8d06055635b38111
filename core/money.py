"""Money is integer fen everywhere (1 yuan = 100 fen); the bounds every amount is checked against."""

from __future__ import annotations

from typing import Final

YUAN: Final = 100  # fen in a yuan
# The largest amount (fen) the platform accepts anywhere: far below 2**53, so the engine's Lua,
# whose numbers are doubles, stays exact. bidding_engine/lua/common.lua holds the same number
# (tests/unit/test_money.py compares them).
MAX_AMOUNT: Final = 10**15


def is_amount(value: object) -> bool:
    """A positive whole number of fen within the bound (a bool is not a number here)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_AMOUNT
