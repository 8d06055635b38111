"""Art. 16: every party and known holder notified at least three days before publishing; a
failed attempt does not count, an 'unreachable' record does (the announcement then says so)."""

from __future__ import annotations

import datetime as dt

import pytest

from auction.lots.party_notices import NoticeFact, Party, missing_notices, notified_lines

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
LEAD = dt.timedelta(days=3)
DEBTOR = Party("debtor", "debtor", "赵明", None)
HOLDER = Party("priority_holder", "holder:7", "钱某", 7)


@pytest.mark.parametrize(
    ("ago", "status", "expected"),
    [
        (LEAD, "delivered", {}),  # exactly three days: enough
        (LEAD - dt.timedelta(seconds=1), "delivered", {"debtor": "too_recent"}),
        (LEAD * 2, "recorded", {}),
        (LEAD * 2, "unreachable", {}),
        (LEAD * 2, "failed", {"debtor": "not_notified"}),
    ],
)
def test_the_lead_and_what_counts(ago: dt.timedelta, status: str, expected: dict) -> None:
    assert missing_notices([DEBTOR], [NoticeFact("debtor", status, NOW - ago)], NOW, LEAD) == expected


def test_the_earliest_counting_notice_decides_and_each_party_is_named() -> None:
    facts = [
        NoticeFact("debtor", "failed", NOW - LEAD * 5),
        NoticeFact("debtor", "recorded", NOW - LEAD),
        NoticeFact("debtor", "delivered", NOW),
    ]
    assert missing_notices([DEBTOR, HOLDER], facts, NOW, LEAD) == {"holder:7": "not_notified"}


def test_the_announcement_names_who_was_reached_and_who_could_not_be() -> None:
    facts = [NoticeFact("debtor", "unreachable", NOW), NoticeFact("holder:7", "delivered", NOW)]
    lines = notified_lines([DEBTOR, HOLDER], facts)
    assert [(line.name, line.reached) for line in lines] == [("赵明", False), ("钱某", True)]
