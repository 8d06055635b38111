"""The court's deadlines after the hammer, at their boundaries."""

from __future__ import annotations

import datetime as dt

from auction.deadlines import deferral_due, handover_due, ruling_due

T = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def test_the_ruling_is_due_ten_days_after_full_payment() -> None:
    due = ruling_due(T)
    assert due.due_at == T + dt.timedelta(days=10)
    assert not due.overdue(T + dt.timedelta(days=10)) and due.overdue(
        T + dt.timedelta(days=10, microseconds=1)
    )


def test_the_hand_over_is_due_fifteen_days_after_the_ruling() -> None:
    assert handover_due(T).due_at == T + dt.timedelta(days=15)


def test_a_deferral_runs_five_days_and_the_court_is_warned_the_day_before() -> None:
    due = deferral_due(T)
    assert due.due_at == T + dt.timedelta(days=5)
    assert not due.near(T + dt.timedelta(days=4) - dt.timedelta(microseconds=1))
    assert due.near(T + dt.timedelta(days=4)) and not due.overdue(T + dt.timedelta(days=5))
