from __future__ import annotations

import pytest

from auction.accounts import identity

VALID = "11010519491231002X"  # the standard's own example


def test_the_standards_example_is_valid() -> None:
    assert identity.is_valid(VALID)
    assert identity.is_valid(VALID.lower())


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",
        "11010519491231002",
        "1101051949123100200",
        "110105194913310028",
        "11010519491231002Y",
        "",
    ],
)
def test_invalid_numbers(number: str) -> None:
    assert not identity.is_valid(number)


def test_complete_appends_the_check_character() -> None:
    assert identity.complete(VALID[:17]) == VALID


def test_mask_hides_the_birth_date() -> None:
    masked = identity.mask(VALID)
    assert masked == "1101**********002X"
    assert "1949" not in masked and len(masked) == 18


def test_keyed_hash_depends_on_the_key_and_ignores_case() -> None:
    assert identity.keyed_hash(VALID, "a") == identity.keyed_hash(VALID.lower(), "a")
    assert identity.keyed_hash(VALID, "a") != identity.keyed_hash(VALID, "b")
    assert VALID not in identity.keyed_hash(VALID, "a")
