"""A shutdown that hangs says which await holds it up."""

from __future__ import annotations

import asyncio
import logging

import pytest

from web.app import report_stuck_tasks


async def _waits_forever_on_purpose() -> None:
    await asyncio.Event().wait()


async def test_the_report_names_each_task_and_where_it_waits(caplog: pytest.LogCaptureFixture) -> None:
    stuck = asyncio.create_task(_waits_forever_on_purpose(), name="stuck-loop")
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR, logger="web.app"):
        report_stuck_tasks()
    stuck.cancel()
    report = caplog.text
    assert "shutdown still waiting" in report
    assert "stuck-loop" in report and "_waits_forever_on_purpose" in report
