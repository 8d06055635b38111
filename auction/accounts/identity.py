"""Resident identity numbers (GB 11643-1999): checksum, masking and keyed hashing.

A full identity number never leaves the server and is never stored: we keep an HMAC
(keyed with the secret key, since the number space is small enough to enumerate) for
matching, and a masked form for display.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_PATTERN = re.compile(r"^\d{17}[\dX]$")


def normalize(number: str) -> str:
    return number.strip().upper()


def check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def is_valid(number: str) -> bool:
    """18 characters, a plausible birth date, and the ISO 7064 MOD 11-2 check character."""
    number = normalize(number)
    if not _PATTERN.match(number):
        return False
    month, day = int(number[10:12]), int(number[12:14])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    return check_char(number[:17]) == number[17]


def mask(number: str) -> str:
    """The public form: region and the check character, the rest hidden (`110101********123X`
    would reveal the birth date; we show `1101**********123X`)."""
    number = normalize(number)
    return number[:4] + "*" * 10 + number[-4:]


def keyed_hash(number: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), normalize(number).encode(), hashlib.sha256).hexdigest()


def complete(first17: str) -> str:
    """Append the check character (used to make demo and test numbers)."""
    return first17 + check_char(first17)
