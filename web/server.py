"""Running the app: one worker in-process, or N worker processes sharing the ports.

Each worker binds its own listening socket with SO_REUSEPORT, so the kernel spreads
connections over the workers and no worker is a single point of failure for the others.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import signal
import socket
from types import FrameType

import uvicorn

from core.settings import Settings
from web.app import create_app

log = logging.getLogger(__name__)


def reuse_port_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    # Accepted connections inherit it: without it, a keep-alive response written in two parts
    # waits for the client's delayed ACK (40 ms on Linux) before its second part leaves.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def tune_garbage_collector() -> None:
    """Keep full collections off the fan-out path.

    With ten thousand sockets a worker holds millions of objects; the default thresholds run a
    full collection every few seconds, each a pause of tens to hundreds of milliseconds in
    which no event reaches anyone (make bench-realtime showed the p99 tail). Objects alive at
    start-up are moved out of the collector's sight, and young collections run less often.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1_000)


async def serve_worker(settings: Settings) -> None:
    """Serve the app on this process's own SO_REUSEPORT socket until told to stop."""
    tune_garbage_collector()
    config = uvicorn.Config(
        create_app(settings),
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        server_header=False,
        access_log=False,
        lifespan="on",
        ws="none",  # live traffic goes through the websockets gateway, not ASGI
    )
    server = uvicorn.Server(config)
    sock = reuse_port_socket(settings.host, settings.port)
    try:
        await server.serve(sockets=[sock])
    finally:
        sock.close()


def _worker_main(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level)
    asyncio.run(serve_worker(settings))


def serve(settings: Settings) -> None:
    """Block serving `settings.workers` workers; returns once they have all stopped."""
    if settings.workers == 1:
        asyncio.run(serve_worker(settings))
        return
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_worker_main, args=(settings,), name=f"auction-worker-{n}")
        for n in range(settings.workers)
    ]
    for worker in workers:
        worker.start()

    def stop(signum: int, frame: FrameType | None) -> None:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()  # SIGTERM: uvicorn shuts down gracefully

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for worker in workers:
            worker.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
