"""Display formats of the pages: money as ¥ with separators, times in China Standard Time
(`core.display` holds both rules; this adds what a page shows around them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from core.display import CST, cst_minutes, cst_seconds
from core.display import yuan as yuan_text

__all__ = ["CST", "cst", "cst_end", "duration_text", "yuan"]


def yuan(fen: int) -> str:
    text = yuan_text(fen)
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"


def _moment(moment: dt.datetime | str) -> dt.datetime:
    return dt.datetime.fromisoformat(moment) if isinstance(moment, str) else moment


def cst(moment: dt.datetime | str | None) -> str:
    """A stored moment, or its ISO text from an API body, in China Standard Time."""
    return "" if moment is None else cst_minutes(_moment(moment))


def cst_end(moment: dt.datetime | str | None) -> str:
    """A bidding end, to the second: a soft close moves it by less than a minute at a time, and
    the list, the lot page and its notices must show the same end (the lot page's script
    writes it in the same form)."""
    return "" if moment is None else cst_seconds(_moment(moment))


def duration_text(_: Callable[[str], str], period: dt.timedelta) -> str:
    """A rule's period in words, in the unit it is set in (5 minutes, 10 seconds, 24 hours, 15 days)."""
    seconds = int(period.total_seconds())
    if seconds == 0:
        return _("none")
    for unit, size in ((_("%(n)s days"), 86400), (_("%(n)s hours"), 3600), (_("%(n)s minutes"), 60)):
        if seconds and seconds % size == 0:
            return unit % {"n": seconds // size}
    return _("%(n)s seconds") % {"n": seconds}
