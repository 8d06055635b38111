"""Display formats of the pages: money as ¥ with separators, times in China Standard Time
(`core.display` holds both rules; this adds what a page shows around them)."""

from __future__ import annotations

import datetime as dt

from core.display import CST, cst_minutes
from core.display import yuan as yuan_text

__all__ = ["CST", "cst", "yuan"]


def yuan(fen: int) -> str:
    text = yuan_text(fen)
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"


def cst(moment: dt.datetime | str | None) -> str:
    """A stored moment, or its ISO text from an API body, in China Standard Time."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return cst_minutes(moment)
