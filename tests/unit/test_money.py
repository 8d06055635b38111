"""The engine's Lua and the Python side agree on the numbers they share."""

from __future__ import annotations

import re
from importlib import resources

from bidding_engine.results import ORDINARY_CLASS
from core.money import MAX_AMOUNT, is_amount


def lua_constant(name: str) -> int:
    source = resources.files("bidding_engine.lua").joinpath("common.lua").read_text()
    match = re.search(rf"^local {name} = (\d+)", source, re.MULTILINE)
    assert match, f"common.lua defines no {name}"
    return int(match.group(1))


def test_the_lua_bounds_are_the_python_ones() -> None:
    assert lua_constant("MAX_AMOUNT") == MAX_AMOUNT
    assert lua_constant("ORDINARY_CLASS") == ORDINARY_CLASS


def test_an_amount_is_a_positive_whole_number_within_the_bound() -> None:
    assert is_amount(1) and is_amount(MAX_AMOUNT)
    for value in (0, -1, MAX_AMOUNT + 1, True, 1.0, "1", None):
        assert not is_amount(value), value
