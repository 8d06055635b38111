"""The baseline: the bare `websockets` server broadcasting to its watchers, no application.

`python -m load_tests.bare_server PORT RATE SECONDS`: every connection that sends anything
is a watcher; a connection that sends `start` begins the broadcast of RATE events a second
for SECONDS, each `{"type": "bid", "seq", "at_ms"}` encoded once and sent with broadcast().
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import websockets
from websockets.asyncio.server import ServerConnection, serve


async def main(port: int, rate: float, seconds: float) -> None:
    watchers: set[ServerConnection] = set()

    async def broadcast() -> None:
        started = time.monotonic()
        for seq in range(1, int(rate * seconds) + 1):
            frame = json.dumps({"type": "bid", "lot_id": 1, "seq": seq, "at_ms": int(time.time() * 1000)})
            websockets.broadcast(watchers, frame)
            await asyncio.sleep(max(0.0, started + seq / rate - time.monotonic()))

    async def handler(connection: ServerConnection) -> None:
        try:
            async for message in connection:
                if message == "start":
                    asyncio.get_running_loop().create_task(broadcast())
                else:
                    watchers.add(connection)
                    await connection.send(json.dumps({"type": "snapshot", "lot_id": 1, "seq": 0}))
        except websockets.ConnectionClosed:
            pass
        finally:
            watchers.discard(connection)

    async with serve(handler, "127.0.0.1", port, compression=None, max_size=2**20):
        print("ready", flush=True)
        await asyncio.sleep(3600)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])))
