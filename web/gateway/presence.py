"""How many sockets watch a lot, over every gateway worker: each worker reports its own counts
through the engine every few seconds and reads the others' back in the same pass, so a
snapshot's `watchers` costs no Redis call (a crowd subscribing at once must not queue for
connections to count itself)."""

from __future__ import annotations

import asyncio
import logging

from bidding_engine.engine import BiddingEngine
from bidding_engine.errors import EngineUnavailable
from core.tasks import stop_if_cancelled
from web.gateway.hub import FanoutHub

log = logging.getLogger(__name__)

REPORT_S = 10.0


class Presence:
    def __init__(self, engine: BiddingEngine, hub: FanoutHub, worker: str) -> None:
        self.engine = engine
        self.hub = hub
        self.worker = worker
        self._elsewhere: dict[int, int] = {}

    def count(self, lot_id: int) -> int:
        """This worker's watchers now, plus what the others reported last."""
        return self.hub.local_count(lot_id) + self._elsewhere.get(lot_id, 0)

    async def report_once(self, reported: set[int]) -> set[int]:
        lots = list(self.hub.lots)
        counts = {lot_id: self.hub.local_count(lot_id) for lot_id in lots}
        await self.engine.report_watchers(
            self.worker, counts, sorted(reported - set(lots)), int(REPORT_S * 3)
        )
        self._elsewhere = await self.engine.watchers_elsewhere(lots, self.worker)
        return set(lots)

    async def run(self) -> None:
        reported: set[int] = set()
        while True:
            stop_if_cancelled()
            try:
                reported = await self.report_once(reported)
            except EngineUnavailable as exc:
                log.warning("watcher counts not reported: %s", exc)
            await asyncio.sleep(REPORT_S)
