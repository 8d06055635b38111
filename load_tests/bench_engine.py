"""`make bench-engine`: bids per second through `BiddingEngine` from one Python process,
against the same bid script driven by `redis-benchmark` (EVALSHA) in the same run.

Both sides send the identical request: one bid on one live lot with a fresh client_bid_id
(`__rand_int__` on the redis-benchmark side) and an amount off the increment grid, so every
call runs the whole decision (state, eligibility, amount) and records its result for
idempotency; neither side pipelines. A second Python figure places accepted bids (each the
next valid amount: stream append and publish included), which redis-benchmark cannot do
with fixed arguments. Uses REDIS_URL when set, else an embedded Redis in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from redis.asyncio import Redis

from bidding_engine.engine import BiddingEngine
from bidding_engine.results import EligibleRegistration, LotOpening
from core.embedded import EmbeddedServices
from core.redis import connect

RESULTS = Path(__file__).resolve().parent / "results"
NAMESPACE = "bench"
OFF_GRID = 100_000_000_500  # above any price, not on the 1 000-fen grid: invalid_amount


async def open_bench_lot(engine: BiddingEngine, lot_id: int) -> None:
    now = await engine.now_ms()
    regs = tuple(EligibleRegistration(n, f"K{n:04d}") for n in range(1, 201))
    await engine.open(LotOpening(lot_id, 100_000, 1_000, now + 3_600_000, 10_000, regs))


async def python_rejections(engine: BiddingEngine, lot_id: int, total: int, concurrency: int) -> float:
    counter = iter(range(total))

    async def worker() -> None:
        for n in counter:
            await engine.bid(lot_id, 1, OFF_GRID, f"py-{n}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return total / (time.perf_counter() - started)


async def python_accepted(engine: BiddingEngine, lot_id: int, total: int) -> float:
    """Accepted bids one after another (each must follow the last): latency-bound."""
    started = time.perf_counter()
    for n in range(total):
        result = await engine.bid(lot_id, n % 200 + 1, 100_000 + n * 1_000, f"acc-{n}")
        assert result.accepted, result
    return total / (time.perf_counter() - started)


def redis_benchmark(
    url_args: list[str], engine: BiddingEngine, sha: str, lot_id: int, total: int, clients: int
) -> float:
    keys = engine.keys(lot_id)
    command = [
        "redis-benchmark",
        *url_args,
        "-n",
        str(total),
        "-c",
        str(clients),
        "-r",
        "1000000000",
        "-q",
        "EVALSHA",
        sha,
        "5",
        *keys.all,
        keys.events,
        "1",
        str(OFF_GRID),
        "rb-__rand_int__",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"([\d.]+) requests per second", output.replace(",", ""))
    if match is None:
        raise RuntimeError(f"unexpected redis-benchmark output: {output!r}")
    return float(match.group(1))


def benchmark_target(url: str) -> list[str]:
    if url.startswith("unix://"):
        return ["-s", url.removeprefix("unix://")]
    match = re.match(r"redis://(?:[^@]*@)?([^:/]+)(?::(\d+))?", url)
    if match is None:
        raise ValueError(f"cannot pass {url} to redis-benchmark")
    return ["-h", match.group(1), "-p", match.group(2) or "6379"]


async def run(url: str, total: int, concurrency: int, rounds: int) -> dict[str, object]:
    redis: Redis = connect(url, max_connections=concurrency)
    engine = BiddingEngine(redis, namespace=f"{NAMESPACE}-{os.getpid()}")
    sha = engine._scripts["bid"].sha  # the very script the engine runs
    has_benchmark = shutil.which("redis-benchmark") is not None
    python_runs, bench_runs, accepted_runs = [], [], []
    try:
        for round_ in range(rounds):
            lot_id = 1 + round_
            await open_bench_lot(engine, lot_id)
            await engine.bid(lot_id, 2, 100_000, f"warm-{round_}")  # load the script, price set
            python_runs.append(await python_rejections(engine, lot_id, total, concurrency))
            if has_benchmark:
                bench_runs.append(
                    redis_benchmark(benchmark_target(url), engine, sha, lot_id, total, concurrency)
                )
            await open_bench_lot(engine, 1_000 + round_)
            accepted_runs.append(await python_accepted(engine, 1_000 + round_, min(total, 5_000)))
    finally:
        async for key in redis.scan_iter(match=f"{engine.namespace}:*", count=1000):
            await redis.unlink(key)
        await redis.aclose()
    report: dict[str, object] = {
        "bids": total,
        "concurrency": concurrency,
        "rounds": rounds,
        "python_bids_per_s": python_runs,
        "python_accepted_sequential_per_s": accepted_runs,
        "redis_benchmark_per_s": bench_runs,
        "python_median": statistics.median(python_runs),
    }
    if bench_runs:
        report["redis_benchmark_median"] = statistics.median(bench_runs)
        report["ratio_median"] = statistics.median(
            p / b for p, b in zip(python_runs, bench_runs, strict=True)
        )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bids", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("REDIS_URL")
    with (
        tempfile.TemporaryDirectory() as folder,
        EmbeddedServices(Path(folder), postgres=False, redis=not url) as svc,
    ):
        url = url or (svc.redis.url if svc.redis else "")
        report = asyncio.run(run(url, args.bids, args.concurrency, args.rounds))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_engine.json").write_text(json.dumps(report, indent=2))
    python_runs = [round(x) for x in report["python_bids_per_s"]]  # type: ignore[attr-defined]
    accepted_runs = [round(x) for x in report["python_accepted_sequential_per_s"]]  # type: ignore[attr-defined]
    print(f"BiddingEngine (one Python process): median {report['python_median']:,.0f} bids/s {python_runs}")
    print(f"  accepted bids one after another:  {accepted_runs} bids/s")
    if "redis_benchmark_median" in report:
        bench_runs = [round(x) for x in report["redis_benchmark_per_s"]]  # type: ignore[attr-defined]
        bench_median = report["redis_benchmark_median"]
        print(f"redis-benchmark EVALSHA bid.lua:    median {bench_median:,.0f} bids/s {bench_runs}")
        print(f"ratio Python / redis-benchmark:     median {report['ratio_median']:.2f} (goal >= 0.5)")
    else:
        print("redis-benchmark not found: install redis-tools for the comparison", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
