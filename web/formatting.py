"""Display formats: money as yuan with separators, times in China Standard Time."""

from __future__ import annotations

import datetime as dt

CST = dt.timezone(dt.timedelta(hours=8), "CST")


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def cst(moment: dt.datetime | str | None) -> str:
    """A stored moment, or its ISO text from an API body, in China Standard Time."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")
