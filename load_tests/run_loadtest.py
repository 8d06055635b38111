"""`make loadtest`: the platform under a locust load, scenario by scenario.

Starts a server on the embedded services (or on DATABASE_URL / REDIS_URL) under the sandbox
profile, seeds lots for each scenario, runs locust headless for a bounded time with a bounded
number of users, checks the scenario's rules, and writes locust's CSV and HTML reports and a
markdown summary under load_tests/results/. It stops everything it started.

    browsing  home and lot pages, searches, announcements       ≥ 300 requests/s, p99 ≤ 100 ms
    evening   50 live lots, 2 000 watchers, 200 bidders        no failure, no lost event, ack p99 ≤ 100 ms
    closing   20 lots ending within one minute, late bids       each closes once at its end ± 1 s;
                                                                the extension holds for every late bid
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from auction.enums import LotStatus
from auction.migrations import upgrade
from auction.models import Bid, Lot, LotTransition
from bidding_engine.engine import BiddingEngine
from core.db import create_engine, session_factory
from core.embedded import EmbeddedServices
from core.redis import connect as connect_redis
from load_tests.harness import Server
from load_tests.seed import SeededLot, seed_live_lot

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
EXTENSION_S = 10


def locust(
    host: str,
    ws_url: str,
    seed: dict[str, Any],
    users: int,
    seconds: int,
    classes: list[str],
    out: Path,
    counts: dict[str, int] | None = None,
) -> dict[str, dict[str, Any]]:
    """Run locust headless; statistics are reset once every user has started, so the figures
    are the steady state, not the ramp."""
    out.mkdir(parents=True, exist_ok=True)
    seed_file = out / "seed.json"
    seed_file.write_text(json.dumps({**seed, "ws_url": ws_url}))
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(min(users, 200)),
        "-t",
        f"{seconds}s",
        "--host",
        host,
        "--csv",
        str(out / "locust"),
        "--html",
        str(out / "report.html"),
        "--only-summary",
        "--stop-timeout",
        "5",
        "--reset-stats",
        *classes,
    ]
    with (out / "locust.log").open("w") as log:
        subprocess.run(  # noqa: S603  (our own interpreter and locustfile)
            command,
            env={
                **os.environ,
                "LOADTEST_SEED": str(seed_file),
                **{k: str(v) for k, v in (counts or {}).items()},
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=seconds + 180,
        )
    rows: dict[str, dict[str, Any]] = {}
    with (out / "locust_stats.csv").open() as handle:
        for row in csv.DictReader(handle):
            rows[f"{row['Type']} {row['Name']}".strip()] = row
    return rows


def figure(row: dict[str, Any], column: str) -> float:
    value = row.get(column, "0") or "0"
    return float(value) if value != "N/A" else 0.0


async def prepare(
    database_url: str, redis_url: str, namespace: str, plan: list[dict[str, Any]]
) -> list[SeededLot]:
    db = create_engine(database_url, pool_size=2)
    await upgrade(db)
    redis = connect_redis(redis_url)
    try:
        engine, sessions = BiddingEngine(redis, namespace=namespace), session_factory(db)
        return [await seed_live_lot(sessions, engine, **spec) for spec in plan]
    finally:
        await redis.aclose()
        await db.dispose()


def bidding_seed(lots: list[SeededLot]) -> dict[str, Any]:
    """What the bidding users need: the lots' terms and each bidder's token and lot."""
    return {
        "lots": [
            {
                "id": lot.lot_id,
                "starting_price": lot.starting_price,
                "increment": lot.increment,
                "end_ms": lot.end_ms,
            }
            for lot in lots
        ],
        "bidders": [{"token": bidder.token, "lot_id": lot.lot_id} for lot in lots for bidder in lot.bidders],
    }


def browsing(server: Server, context: dict[str, Any], out: Path, seconds: int) -> dict[str, Any]:
    lots = asyncio.run(
        prepare(
            context["database_url"],
            context["redis_url"],
            context["namespace"],
            [{"bidders": 0} for _ in range(20)],
        )
    )
    seed = {"browse_lot_ids": [lot.lot_id for lot in lots]}
    rows = locust(server.base_url, server.ws_url, seed, 48, seconds, ["Browser"], out)  # up to 384 requests/s
    pages = [row for name, row in rows.items() if name.startswith(("GET page /", "GET lot "))]
    rps = sum(figure(row, "Requests/s") for row in pages)
    p99 = max(figure(row, "99%") for row in pages)
    aggregate = rows["Aggregated"]
    return {
        "pages_rps": round(rps),
        "pages_p99_ms": p99,
        "all_rps": round(figure(aggregate, "Requests/s")),
        "failures": int(figure(aggregate, "Failure Count")),
        "ok": rps >= 300 and p99 <= 100,
    }


def evening(server: Server, context: dict[str, Any], out: Path, seconds: int) -> dict[str, Any]:
    lots = asyncio.run(
        prepare(
            context["database_url"],
            context["redis_url"],
            context["namespace"],
            [{"bidders": 4, "register": False} for _ in range(50)],
        )
    )
    seed = bidding_seed(lots)
    rows = locust(
        server.base_url,
        server.ws_url,
        seed,
        2_200,
        seconds + 15,
        ["Watcher", "Bidder"],
        out,
        {"LOADTEST_WATCHERS": 2_000, "LOADTEST_BIDDERS": 200},
    )
    aggregate, ack = rows["Aggregated"], rows.get("WS bid_ack", {})
    latency, lost = rows.get("WS event_latency", {}), rows.get("WS lost_event", {})
    failures = int(figure(aggregate, "Failure Count"))
    lost_events = int(figure(lost, "Failure Count"))
    return {
        "requests": int(figure(aggregate, "Request Count")),
        "failures": failures,
        "lost_events": lost_events,
        "bids_over_socket": int(figure(ack, "Request Count")),
        "bid_ack_p50_ms": figure(ack, "50%"),
        "bid_ack_p99_ms": figure(ack, "99%"),
        "events_received": int(figure(latency, "Request Count")),
        "event_latency_p99_ms": figure(latency, "99%"),
        "ok": failures == 0 and lost_events == 0 and figure(ack, "99%") <= 100,
    }


async def check_closes(database_url: str, lot_ids: list[int]) -> dict[str, Any]:
    db = create_engine(database_url, pool_size=1)
    try:
        async with session_factory(db)() as session:
            lots = list(await session.scalars(sa.select(Lot).where(Lot.id.in_(lot_ids))))
            ends = dict(
                (
                    await session.execute(
                        sa.select(LotTransition.lot_id, sa.func.count())
                        .where(LotTransition.lot_id.in_(lot_ids), LotTransition.to_status == LotStatus.ENDED)
                        .group_by(LotTransition.lot_id)
                    )
                ).all()
            )
            drift = [
                abs((lot.closed_at - lot.engine_end_at).total_seconds())
                for lot in lots
                if lot.closed_at and lot.engine_end_at
            ]
            violations = late_bids = 0
            for lot in lots:
                end_ms = int(lot.end_at.timestamp() * 1000)
                for bid in await session.scalars(
                    sa.select(Bid).where(Bid.lot_id == lot.id).order_by(Bid.seq)
                ):
                    expected = (
                        bid.at_ms + EXTENSION_S * 1000 if end_ms - bid.at_ms < EXTENSION_S * 1000 else end_ms
                    )
                    late_bids += int(end_ms - bid.at_ms < EXTENSION_S * 1000)
                    violations += int(bid.end_ms != expected)
                    end_ms = bid.end_ms
    finally:
        await db.dispose()
    closed = [lot for lot in lots if lot.status in (LotStatus.SOLD, LotStatus.FAILED)]
    return {
        "lots": len(lot_ids),
        "closed": len(closed),
        "closed_once": sum(1 for n in ends.values() if n == 1),
        "close_drift_max_s": round(max(drift, default=0.0), 3),
        "late_bids": late_bids,
        "extension_violations": violations,
        "ok": len(closed) == len(lot_ids)
        and all(n == 1 for n in ends.values())
        and max(drift, default=0) <= 1
        and violations == 0,
    }


def closing(server: Server, context: dict[str, Any], out: Path, seconds: int) -> dict[str, Any]:
    first_end = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=45)
    plan = [
        {"bidders": 5, "register": False, "end_at": first_end + dt.timedelta(seconds=2 * n)}
        for n in range(20)
    ]
    lots = asyncio.run(prepare(context["database_url"], context["redis_url"], context["namespace"], plan))
    seed = bidding_seed(lots)
    rows = locust(server.base_url, server.ws_url, seed, 100, seconds, ["LateBidder"], out)
    deadline = time.monotonic() + 120
    report: dict[str, Any] = {}
    while time.monotonic() < deadline:
        report = asyncio.run(check_closes(context["database_url"], [lot.lot_id for lot in lots]))
        if report["closed"] == report["lots"]:
            break
        time.sleep(2)
    ack = rows.get("WS bid_ack", {})
    return {**report, "bids": int(figure(ack, "Request Count")), "bid_ack_p99_ms": figure(ack, "99%")}


SCENARIOS = {"browsing": (browsing, 30), "evening": (evening, 60), "closing": (closing, 110)}


def summarize(results: dict[str, list[dict[str, Any]]]) -> str:
    lines = [
        f"# Load test summary ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores; server, "
        "services and locust share the machine)",
        "",
    ]
    for scenario, runs in results.items():
        lines.append(f"## {scenario} ({len(runs)} run{'s' if len(runs) > 1 else ''})")
        for key in runs[0]:
            values = [run[key] for run in runs]
            if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
                median = statistics.median(values)
                lines.append(f"- {key}: median {median:g} (runs: {', '.join(f'{v:g}' for v in values)})")
            else:
                lines.append(f"- {key}: {', '.join(map(str, values))}")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    args = parser.parse_args()
    import resource

    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    chosen = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in chosen}
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    with (
        tempfile.TemporaryDirectory() as folder,
        EmbeddedServices(Path(folder), postgres=not database_url, redis=not redis_url) as services,
    ):
        context = {
            "database_url": database_url or (services.postgres.url if services.postgres else ""),
            "redis_url": redis_url or (services.redis.url if services.redis else ""),
            "namespace": f"load-{secrets.token_hex(3)}",
        }
        environ = {
            **os.environ,
            "DATABASE_URL": context["database_url"],
            "REDIS_URL": context["redis_url"],
            "AUCTION_RULES": "sandbox",
            "AUCTION_EXTENSION_SECONDS": str(EXTENSION_S),
            "SECRET_KEY": secrets.token_urlsafe(40),
            "REDIS_NAMESPACE": context["namespace"],
            "DATA_DIR": folder,
            "LOG_LEVEL": "INFO",
        }
        for run in range(args.runs):
            for name in chosen:
                scenario, seconds = SCENARIOS[name]
                out = RESULTS / f"{stamp}-{name}-run{run + 1}"
                server = Server(environ, workers=args.workers, log_dir=out)
                try:
                    outcome = scenario(server, context, out, seconds)
                finally:
                    server.stop()
                results[name].append(outcome)
                print(name, outcome, flush=True)
    summary = summarize(results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stamp}-summary.md").write_text(summary)
    print(summary)
    return 0 if all(run["ok"] for runs in results.values() for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
