"""`make bench-ack`: what it costs to acknowledge only replicated bids (`REDIS_ACK_REPLICAS=1`),
on a local Redis Cluster of three masters with a replica each, against the same cluster without
waiting, in the same run, rounds interleaved so that a drifting machine affects both alike.

Per setting, the median over `--rounds` of:
- one bidder after another on one hot lot (each bid the next valid amount, so each waits for
  the one before): bids/s and the p50/p99 of a bid's round trip;
- `--concurrency` bidders over `--lots` lots at once (accepted bids): bids/s.

Writes load_tests/results/bench-ack-<date>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import statistics
import tempfile
import time
from pathlib import Path

from redis.asyncio.cluster import RedisCluster

from bidding_engine.engine import BiddingEngine
from bidding_engine.results import EligibleRegistration, LotOpening
from tests.redis_cluster import redis_cluster

RESULTS = Path(__file__).resolve().parent / "results"
REGISTRATIONS = tuple(EligibleRegistration(n, f"K{n:04d}") for n in range(1, 3))
_lot_ids = itertools.count(1)


async def open_lot(engine: BiddingEngine) -> int:
    lot_id = next(_lot_ids)
    now = await engine.now_ms()
    await engine.open(LotOpening(lot_id, 100_000, 1_000, now + 3_600_000, 10_000, REGISTRATIONS))
    return lot_id


async def one_after_another(engine: BiddingEngine, bids: int) -> dict[str, float]:
    lot_id = await open_lot(engine)
    latencies = []
    started = time.perf_counter()
    for n in range(bids):
        sent = time.perf_counter()
        result = await engine.bid(lot_id, REGISTRATIONS[n % 2].registration_id, 100_000 + n * 1_000, f"s{n}")
        latencies.append((time.perf_counter() - sent) * 1000)
        assert result.accepted, result
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "bids_per_s": bids / elapsed,
        "p50_ms": latencies[len(latencies) // 2],
        "p99_ms": latencies[int(len(latencies) * 0.99)],
    }


async def concurrent(engine: BiddingEngine, lots: int, concurrency: int, bids_per_lot: int) -> float:
    lot_ids = [await open_lot(engine) for _ in range(lots)]
    per_worker = max(lots // concurrency, 1)

    async def worker(mine: list[int]) -> None:
        for n in range(bids_per_lot):
            for lot_id in mine:
                amount = 100_000 + n * 1_000
                result = await engine.bid(lot_id, REGISTRATIONS[n % 2].registration_id, amount, f"c{n}")
                assert result.accepted, result

    groups = [lot_ids[i : i + per_worker] for i in range(0, lots, per_worker)]
    started = time.perf_counter()
    await asyncio.gather(*(worker(group) for group in groups))
    return lots * bids_per_lot / (time.perf_counter() - started)


async def run(args: argparse.Namespace, port: int) -> dict[str, dict[str, list[float]]]:
    client = RedisCluster(host="127.0.0.1", port=port)
    engines = {
        "no_wait": BiddingEngine(client, namespace="bench-ack"),
        "wait_1_replica": BiddingEngine(client, namespace="bench-ack", ack_replicas=1),
    }
    figures: dict[str, dict[str, list[float]]] = {name: {} for name in engines}
    try:
        for round_ in range(args.rounds):
            for name, engine in engines.items():
                sequential = await one_after_another(engine, args.bids)
                sequential["concurrent_bids_per_s"] = await concurrent(
                    engine, args.lots, args.concurrency, args.bids_per_lot
                )
                for key, value in sequential.items():
                    figures[name].setdefault(key, []).append(value)
                print(
                    f"round {round_ + 1} {name}: " + ", ".join(f"{k} {v:.1f}" for k, v in sequential.items())
                )
    finally:
        await client.aclose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bids", type=int, default=2_000, help="bids one after another per round")
    parser.add_argument("--lots", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--bids-per-lot", type=int, default=20)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as folder,
        redis_cluster(Path(folder), masters=3, replicas=1) as cluster,
    ):
        figures = asyncio.run(run(args, cluster.ports[0]))
    summary = {
        name: {
            key: {"median": statistics.median(values), "min": min(values), "max": max(values)}
            for key, values in per.items()
        }
        for name, per in figures.items()
    }
    ratio = {
        key: summary["wait_1_replica"][key]["median"] / summary["no_wait"][key]["median"]
        for key in summary["no_wait"]
    }
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "args": vars(args),
        "summary": summary,
        "wait_over_no_wait": ratio,
        "runs": figures,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench-ack-{dt.datetime.now(dt.UTC).date().isoformat()}.json"
    path.write_text(json.dumps(report, indent=2))
    for name, per in summary.items():
        print(
            name
            + ": "
            + ", ".join(f"{k} {v['median']:.1f} ({v['min']:.1f}–{v['max']:.1f})" for k, v in per.items())
        )
    print("wait / no wait: " + ", ".join(f"{k} {v:.2f}" for k, v in ratio.items()))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
