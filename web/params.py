"""Reading numbers from paths, query strings and headers.

`str.isdigit()` accepts superscripts and other scripts' digits ("³") that `int()` refuses;
schemathesis found the 500 that made. Only ASCII digits are numbers here.
"""

from __future__ import annotations


def is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def has_nul(*texts: str | None) -> bool:
    """PostgreSQL text cannot hold U+0000: input carrying it is refused at the boundary."""
    return any(text is not None and "\x00" in text for text in texts)
