"""A worker's background loops (the lifecycle clock, the bid persister, notifications, the
gateway's fan-out and presence), started, watched and stopped together.

A loop retries, by itself, every error that is not a bug in our code (a service away, a replica
that turned read-only, a server out of memory). It ends only when cancelled, or when a bug kills
it: then it is logged as critical and reported dead by `health()`, which makes /healthz fail so
the worker is restarted rather than quietly serving without its clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Loops:
    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, name: str, loop: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(loop, name=name)
        task.add_done_callback(self._report_end)
        self._tasks[name] = task

    @staticmethod
    def _report_end(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.critical("background loop %s died", task.get_name(), exc_info=exc)

    def health(self) -> dict[str, str]:
        """Each loop's state: "running", or why it is not."""
        states = {}
        for name, task in self._tasks.items():
            if not task.done():
                states[name] = "running"
            elif task.cancelled():
                states[name] = "stopped"
            else:
                states[name] = f"dead: {task.exception()!r}"[:300]
        return states

    @property
    def healthy(self) -> bool:
        return all(state == "running" for state in self.health().values())

    async def stop(self, *names: str) -> None:
        """Cancel the named loops (every loop when none is named) and wait for them to end."""
        tasks = [task for name, task in self._tasks.items() if not names or name in names]
        for task in tasks:
            task.cancel()
        # Cancellation is safe: an interrupted transaction rolls back and unacknowledged stream
        # entries are delivered again.
        await asyncio.gather(*tasks, return_exceptions=True)
