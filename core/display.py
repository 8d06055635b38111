"""Money and time as people read them, written once for notices, messages and pages.

China Standard Time is UTC+8 all year (no daylight saving): every time a person reads is shown
in it, every stored time stays UTC.
"""

from __future__ import annotations

import datetime as dt

CST = dt.timezone(dt.timedelta(hours=8), "CST")


def yuan(fen: int) -> str:
    """Fen as yuan with thousands separators and two decimals: 123456 → '1,234.56'."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def cst_minutes(moment: dt.datetime) -> str:
    """'YYYY-MM-DD HH:MM' in China Standard Time."""
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")


def cst_seconds(moment: dt.datetime) -> str:
    """'YYYY-MM-DD HH:MM:SS' in China Standard Time, where a minute is not precise enough."""
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S")


def china_day(moment: dt.datetime) -> dt.date:
    """The calendar day in China Standard Time (a notice period, a validity date, a decision)."""
    return moment.astimezone(CST).date()
