"""Background loops that stop when they are cancelled, even when a library lost the cancel.

On Python 3.11, `asyncio.wait_for` returns the inner result instead of raising when the
cancellation arrives in the same loop turn as that result (CPython gh-86296, fixed in 3.12).
redis-py writes every command through `wait_for` when a socket timeout is set (its default
is 5 s), so a task cancelled just as its write completes carries on as if nothing happened.
A `while True` loop then never ends, and a server asked to stop hangs until it is killed
(seen in CI: the lifecycle clock outlived the shutdown).

The lost request is still counted by the task (`Task.cancelling()`), so a loop that calls
`stop_if_cancelled` once per pass ends on its next pass instead of never.
"""

from __future__ import annotations

import asyncio


def cancel_requested() -> bool:
    """Whether this task has a cancellation pending (delivered or not)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def stop_if_cancelled() -> None:
    """Raise the CancelledError that a library swallowed, if this task was asked to stop."""
    if cancel_requested():
        raise asyncio.CancelledError
