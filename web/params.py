"""Reading numbers and text from paths, query strings, forms and headers.

`str.isdigit()` accepts superscripts and other scripts' digits ("³") that `int()` refuses;
schemathesis found the 500 that made. Only ASCII digits are numbers here.
"""

from __future__ import annotations

from starlette.requests import Request

from auction.errors import NotFound, ValidationFailed

MAX_ID_DIGITS = 18  # ids are BIGINT


def is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def has_nul(*texts: str | None) -> bool:
    """PostgreSQL text cannot hold U+0000: input carrying it is refused at the boundary."""
    return any(text is not None and "\x00" in text for text in texts)


def path_id(request: Request, name: str) -> int:
    """A numeric id from the path; anything else is the same 404 as an unknown id."""
    raw = request.path_params[name]
    if not is_number(raw) or len(raw) > MAX_ID_DIGITS:
        raise NotFound(f"no such {name.removesuffix('_id')}")
    return int(raw)


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not is_number(raw) or not 1 <= int(raw) <= 10_000:
        raise ValidationFailed("page is a whole number from 1", fields={"page": "invalid_value"})
    return int(raw)


def parse_yuan(text: str) -> int | None:
    """'1234.5' → 123450 fen; None for anything else."""
    whole, _, cents = text.strip().partition(".")
    if not is_number(whole) or len(whole) > 13 or (cents and (not is_number(cents) or len(cents) > 2)):
        return None
    return int(whole) * 100 + int(cents.ljust(2, "0") or 0)
