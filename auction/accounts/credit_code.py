"""Unified social credit codes (GB 32100-2015): 18 characters from a 31-character alphabet (no
I, O, Z, S, V), the last a check character over the first 17 (weights 3^i mod 31)."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, …


def normalize(code: str) -> str:
    return code.strip().upper()


def check_char(first17: str) -> str:
    total = sum(_VALUE[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """18 characters of the alphabet whose last is the check character of the rest."""
    code = normalize(code)
    if len(code) != 18 or any(char not in _VALUE for char in code):
        return False
    return check_char(code[:17]) == code[17]


def mask(code: str) -> str:
    """The public form: the registering authority and region's start, and the last four."""
    code = normalize(code)
    return code[:4] + "*" * 10 + code[-4:]


def complete(first17: str) -> str:
    """Append the check character (demo and test codes)."""
    return first17 + check_char(first17)
