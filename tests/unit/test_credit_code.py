"""Unified social credit codes (GB 32100-2015): the check character over 31 characters."""

from __future__ import annotations

import pytest

from auction.accounts import credit_code

# Published codes of real companies and the standard's own example.
KNOWN = ("91350100M000100Y43", "91110108551385082Q", "91110000802100433B")


@pytest.mark.parametrize("code", KNOWN)
def test_known_codes_are_valid(code: str) -> None:
    assert credit_code.is_valid(code)
    assert credit_code.is_valid(code.lower())  # read in capitals
    assert credit_code.is_valid(f"  {code} ")


@pytest.mark.parametrize("code", KNOWN)
def test_every_single_character_change_is_caught(code: str) -> None:
    for position in range(18):
        for char in credit_code.ALPHABET:
            if char != code[position]:
                changed = code[:position] + char + code[position + 1 :]
                assert not credit_code.is_valid(changed), changed


@pytest.mark.parametrize("char", "IOZSV")
def test_letters_outside_the_alphabet_are_refused(char: str) -> None:
    assert not credit_code.is_valid(KNOWN[0][:10] + char + KNOWN[0][11:])


@pytest.mark.parametrize("code", ["", "9135010", KNOWN[0] + "0", KNOWN[0][:-1], "9135 100M000100Y43"])
def test_wrong_lengths_and_characters_are_refused(code: str) -> None:
    assert not credit_code.is_valid(code)


def test_complete_makes_valid_codes_and_mask_hides_the_middle() -> None:
    assert credit_code.complete(KNOWN[0][:17]) == KNOWN[0]
    assert credit_code.mask(KNOWN[0]) == "9135**********0Y43"
