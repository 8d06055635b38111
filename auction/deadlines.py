"""The court's own deadlines after the hammer (RULES.md "After the hammer"), the same under every
rule profile: they bind the court, not the bidders, so the sandbox has no reason to lift them.
Pure: each deadline is a function of the moment that starts it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

RULING_WITHIN = dt.timedelta(days=10)  # the sale ruling, after the price is paid in full
HANDOVER_WITHIN = dt.timedelta(days=15)  # the hand-over, after the ruling
DEFERRAL_LIMIT = dt.timedelta(days=5)  # 暂缓 (art. 28): resumed or converted before this
DEFERRAL_ALERT = dt.timedelta(days=1)  # the court is told this long before a deferral runs out


@dataclass(frozen=True, slots=True)
class Deadline:
    what: str  # ruling | handover | deferral
    due_at: dt.datetime

    def overdue(self, now: dt.datetime) -> bool:
        return now > self.due_at

    def near(self, now: dt.datetime) -> bool:
        """Within the alert window (or past it): the console says so."""
        return now >= self.due_at - DEFERRAL_ALERT


def ruling_due(paid_at: dt.datetime) -> Deadline:
    return Deadline("ruling", paid_at + RULING_WITHIN)


def handover_due(ruled_at: dt.datetime) -> Deadline:
    return Deadline("handover", ruled_at + HANDOVER_WITHIN)


def deferral_due(deferred_at: dt.datetime) -> Deadline:
    return Deadline("deferral", deferred_at + DEFERRAL_LIMIT)
