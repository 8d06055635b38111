"""`make bench-realtime`: the real-time gateway under load, on this machine, against the bare
`websockets` library measured in the same run.

Scenarios (server, services and load clients share the machine):
- hot lot: N bidders on one lot, each bidding again as soon as its ack arrives;
- fan-out: W watchers on one lot, all connecting and subscribing at once (a popular lot's
  start), then R accepted bids a second for S seconds; every watcher must receive every bid
  (a watcher the gateway skipped fills its gap as the page does) and no subscribe may be
  refused; latency is receipt time minus the bid's engine time (`at_ms`);
- memory: the server's RSS growth per idle subscribed watcher;
- the bare library: the same watchers and rate against `load_tests/bare_server.py`;
- the same fan-out with two worker processes sharing the ports.

Results go to load_tests/results/bench_realtime.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from auction.migrations import upgrade
from bidding_engine.engine import BiddingEngine
from core.db import create_engine, session_factory
from core.embedded import EmbeddedServices
from core.redis import connect as connect_redis
from load_tests.harness import Server, free_port, rss_kib
from load_tests.seed import SeededLot, seed_live_lot
from load_tests.ws_clients import bidder_process, spawn, watcher_process

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"


def collect(queue: Any, count: int, timeout: float) -> list[dict[str, Any]]:
    return [queue.get(timeout=timeout) for _ in range(count)]


def hot_lot(url: str, lot: SeededLot, seconds: float, processes: int) -> dict[str, Any]:
    import multiprocessing as mp

    results = mp.get_context("spawn").Queue()
    tokens = [bidder.token for bidder in lot.bidders]
    share = -(-len(tokens) // processes)
    start_at = time.time() + 2
    workers = [
        spawn(
            bidder_process,
            url,
            lot.lot_id,
            tokens[p * share : (p + 1) * share],
            (p * share, len(tokens)),
            lot.starting_price,
            lot.increment,
            seconds,
            start_at,
            results,
        )
        for p in range(processes)
    ]
    reports = collect(results, processes, seconds + 60)
    for worker in workers:
        worker.join(10)
    messages = sum(r["messages"] for r in reports)
    codes: dict[str, int] = {}
    for report in reports:
        for code, n in report["codes"].items():
            codes[code] = codes.get(code, 0) + n
    return {
        "bidders": len(tokens),
        "seconds": seconds,
        "messages_per_s": round(messages / seconds),
        "ack_p50_ms": round(max(r["p50"] for r in reports), 1),
        "ack_p99_ms": round(max(r["p99"] for r in reports), 1),
        "ack_max_ms": round(max(r["max"] for r in reports), 1),
        "codes": codes,
    }


async def drive_bids(engine: BiddingEngine, lot: SeededLot, rate: float, seconds: float) -> int:
    sent = 0
    started = time.monotonic()
    for n in range(int(rate * seconds)):
        bidder = lot.bidders[n % 2]
        result = await engine.bid(
            lot.lot_id, bidder.registration_id, lot.starting_price + n * lot.increment, f"f{n}"
        )
        sent += int(result.accepted)
        await asyncio.sleep(max(0.0, started + (n + 1) / rate - time.monotonic()))
    return sent


async def drive_bare(url: str) -> None:
    async with connect(url) as control:
        await control.send("start")
        await asyncio.sleep(0.1)


def fan_out(
    url: str,
    lot_id: int,
    watchers: int,
    processes: int,
    rate: float,
    seconds: float,
    driver: Any,
    server_pid: int | None,
    at_once: bool = True,
) -> dict[str, Any]:
    import multiprocessing as mp

    context = mp.get_context("spawn")
    ready, results = context.Queue(), context.Queue()
    share = -(-watchers // processes)
    idle_before = rss_kib(server_pid) if server_pid else 0
    counts = [min(share, watchers - p * share) for p in range(processes)]
    expected_events = int(rate * seconds)
    workers = [
        spawn(watcher_process, url, lot_id, n, ready, results, expected_events, seconds + 60, at_once)
        for n in counts
    ]
    collect(ready, processes, 180)
    time.sleep(1)
    idle_after = rss_kib(server_pid) if server_pid else 0
    expected = driver()
    reports = collect(results, processes, seconds + 120)
    for worker in workers:
        worker.join(10)
    received_min = min(r["received_min"] for r in reports)
    report: dict[str, Any] = {
        "watchers": watchers,
        "rate_per_s": rate,
        "seconds": seconds,
        "events_expected": expected,
        "events_received_min": received_min,
        "lost_by_the_worst_watcher": max(0, expected - received_min),
        # Bids a watcher never saw between its first and last (the goal is zero), and errors
        # answered to subscribes made all at once (the goal is zero too).
        "missed_by_the_worst_watcher": max(r["missed_max"] for r in reports),
        "subscribe_errors": sum(sum(r["errors"].values()) for r in reports),
        "latency_p50_ms": round(max(r["p50"] for r in reports), 1),
        "latency_p99_ms": round(max(r["p99"] for r in reports), 1),
        "latency_max_ms": round(max(r["max"] for r in reports), 1),
    }
    if server_pid:
        report["rss_idle_kib_per_watcher"] = round((idle_after - idle_before) / watchers, 1)
    return report


def raise_fd_limit() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def run(args: argparse.Namespace, folder: Path, database_url: str, redis_url: str) -> dict[str, Any]:
    namespace = f"bench-{secrets.token_hex(3)}"
    environ = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "AUCTION_RULES": "sandbox",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "REDIS_NAMESPACE": namespace,
        "DATA_DIR": str(folder),
        "LOG_LEVEL": "WARNING",
        # The hot-lot scenario bids as fast as acks come back: lift the per-connection flood limit
        # (20 messages a second in production) so that it measures the bid path, not the limiter.
        "AUCTION_WS_RATE": str(args.ws_rate),
    }

    async def prepare() -> tuple[SeededLot, SeededLot, SeededLot]:
        db = create_engine(database_url, pool_size=2)
        await upgrade(db)
        redis = connect_redis(redis_url)
        engine = BiddingEngine(redis, namespace=namespace)
        sessions = session_factory(db)
        seeded = (
            await seed_live_lot(sessions, engine, bidders=args.bidders),
            await seed_live_lot(sessions, engine, bidders=2),
            await seed_live_lot(sessions, engine, bidders=2),
        )
        await redis.aclose()
        await db.dispose()
        return seeded

    hot, fan, fan2 = asyncio.run(prepare())

    def our_driver(lot: SeededLot) -> Any:
        async def go() -> int:
            redis = connect_redis(redis_url)
            try:
                return await drive_bids(
                    BiddingEngine(redis, namespace=namespace), lot, args.rate, args.seconds
                )
            finally:
                await redis.aclose()

        return lambda: asyncio.run(go())

    report: dict[str, Any] = {"machine": f"{os.cpu_count()} cores", "python": sys.version.split()[0]}
    server = Server(environ, workers=1)
    try:
        if not args.skip_hot:
            report["hot_lot"] = hot_lot(server.ws_url, hot, args.hot_seconds, args.processes)
            print("hot lot:", report["hot_lot"], flush=True)
        report["fan_out_1_worker"] = fan_out(
            server.ws_url,
            fan.lot_id,
            args.watchers,
            args.processes,
            args.rate,
            args.seconds,
            our_driver(fan),
            server.process.pid,
        )
        print("fan-out, 1 worker:", report["fan_out_1_worker"], flush=True)
    finally:
        server.stop()
    if not args.skip_baseline:
        port = free_port()
        bare = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "load_tests.bare_server", str(port), str(args.rate), str(args.seconds)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert bare.stdout is not None
        bare.stdout.readline()
        url = f"ws://127.0.0.1:{port}/ws"

        def bare_driver() -> int:
            asyncio.run(drive_bare(url))
            return int(args.rate * args.seconds)

        try:
            report["bare_websockets"] = fan_out(
                url, 1, args.watchers, args.processes, args.rate, args.seconds, bare_driver, bare.pid
            )
            print("bare websockets:", report["bare_websockets"], flush=True)
        finally:
            bare.terminate()
            bare.wait(10)
    if not args.skip_workers:
        server = Server(environ, workers=2)
        try:
            report["fan_out_2_workers"] = fan_out(
                server.ws_url,
                fan2.lot_id,
                args.watchers,
                args.processes,
                args.rate,
                args.seconds,
                our_driver(fan2),
                None,
            )
            print("fan-out, 2 workers:", report["fan_out_2_workers"], flush=True)
        finally:
            server.stop()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--watchers", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=5)
    parser.add_argument("--bidders", type=int, default=200)
    parser.add_argument("--hot-seconds", type=float, default=10)
    parser.add_argument("--processes", type=int, default=2, help="load-client processes")
    parser.add_argument(
        "--ws-rate", type=int, default=100_000, help="AUCTION_WS_RATE for the server under test"
    )
    parser.add_argument("--skip-hot", action="store_true")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-workers", action="store_true")
    args = parser.parse_args()
    raise_fd_limit()
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    with (
        tempfile.TemporaryDirectory() as folder,
        EmbeddedServices(Path(folder), postgres=not database_url, redis=not redis_url) as services,
    ):
        report = run(
            args,
            Path(folder),
            database_url or (services.postgres.url if services.postgres else ""),
            redis_url or (services.redis.url if services.redis else ""),
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_realtime.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
