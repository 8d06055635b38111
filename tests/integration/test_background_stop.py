"""Every background loop ends when cancelled, whichever loop turn the cancellation lands on.

On Python 3.11 a cancellation that lands in the turn where one of redis-py's socket writes
completes is dropped by `asyncio.wait_for` (see core/tasks.py); a loop that did not notice
ran on forever and a server asked to stop hung until killed. Cancelling after 0, 1, 2, …
turns walks the cancellation across the first passes of each loop, so it lands on those
turns too, against the real Redis and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.disclosure.lists_clock import ListsClock
from auction.disclosure.pushes import PushDispatcher
from auction.lots.bid_log import BidPersister
from auction.lots.lifecycle import LotScheduler
from auction.notifications.channels import notifiers_for
from auction.notifications.dispatcher import NotificationDispatcher
from auction.rules import sandbox
from bidding_engine.engine import BiddingEngine
from bidding_engine.feed import event_feed
from core.settings import Settings
from web.gateway.hub import FanoutHub

TURNS = 40
STOP_WITHIN_S = 2.0

Starter = Callable[[BiddingEngine, async_sessionmaker[AsyncSession], Settings], Awaitable[None]]


async def _no_resync(lot_id: int, connection: object) -> int | None:
    raise AssertionError("no socket watches in this test")


async def _hub(engine: BiddingEngine, sessions: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    hub = FanoutHub(event_feed(engine.redis, settings.redis_namespace), _no_resync)
    await hub.start()
    try:
        await asyncio.Event().wait()
    finally:
        await hub.stop()


LOOPS: dict[str, Starter] = {
    "lifecycle": lambda engine, sessions, settings: LotScheduler(engine, sessions, sandbox(10, 60)).run(),
    "persister": lambda engine, sessions, settings: BidPersister(engine, sessions, "stop-test").run(),
    "notifications": lambda engine, sessions, settings: NotificationDispatcher(
        sessions, notifiers_for(settings), tick_s=0.01
    ).run(),
    "fan-out hub": _hub,
    "lists": lambda engine, sessions, settings: ListsClock(sessions, interval_s=0.01).run(),
    "pushes": lambda engine, sessions, settings: PushDispatcher(
        sessions, settings.lists_key, tick_s=0.01
    ).run(),
}


def _stacks(task: asyncio.Task[None]) -> str:
    frames = io.StringIO()
    task.print_stack(file=frames)
    return frames.getvalue()


@pytest.mark.parametrize("name", LOOPS)
async def test_a_background_loop_stops_whenever_it_is_cancelled(
    name: str,
    standalone_engine: BiddingEngine,
    committed: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    for turns in range(TURNS):
        task = asyncio.create_task(LOOPS[name](standalone_engine, committed, settings))
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        done, _ = await asyncio.wait([task], timeout=STOP_WITHIN_S)
        if not done:
            stack = _stacks(task)
            while not task.done():  # leave nothing running behind a failed test
                task.cancel()
                await asyncio.wait([task], timeout=0.5)
            pytest.fail(f"the {name} loop ran on after a cancel {turns} turns in:\n{stack}")
        assert task.cancelled(), task.exception()
