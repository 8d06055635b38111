"""`make bench-scale`: the national evening, on a local Redis Cluster and on one Redis server,
in the same run.

Each setting gets a server of its own (`--workers` workers, sandbox profile) on the machine's
PostgreSQL (DATABASE_URL) or an embedded one, and the same evening:

    --lots live lots (1,000), watched by --watchers sockets spread over all of them;
    one hot lot with --hot-bidders bidders bidding all evening;
    a closing rush: --rush of the lots (300) ending within the same minute, each with a bidder
    who bids in its last seconds (the soft close moves its end).

Measured: every rush lot closed, and once, and how far from its engine end (goal ≤ 1 s); the
bid acknowledgement and event latencies (p50/p99); events a watcher missed (goal 0); locust's
failures. The cluster runs three masters with a replica each and acknowledges bids once a
replica holds them (REDIS_ACK_REPLICAS=1); the single server does not wait. Writes
load_tests/results/<stamp>-scale-*.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import resource
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from auction.migrations import upgrade
from bidding_engine.engine import BiddingEngine
from core.db import create_engine, session_factory
from core.embedded import EmbeddedServices
from core.redis import connect
from load_tests.harness import Server
from load_tests.run_loadtest import RESULTS, bidding_seed, check_closes, figure, locust
from load_tests.seed import SeededLot, seed_live_lot
from tests.redis_cluster import redis_cluster

EXTENSION_S = 10


async def seed(
    database_url: str, redis_url: str, cluster: bool, namespace: str, args: argparse.Namespace
) -> dict[str, Any]:
    db = create_engine(database_url, pool_size=4)
    await upgrade(db)
    redis = connect(redis_url, cluster=cluster)
    sessions = session_factory(db)
    try:
        engine = BiddingEngine(redis, namespace=namespace)
        hot = await seed_live_lot(sessions, engine, bidders=args.hot_bidders, register=False, minutes=120)
        quiet = [
            await seed_live_lot(sessions, engine, bidders=0, minutes=120)
            for _ in range(args.lots - args.rush - 1)
        ]
        first_end = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=args.rush_lead)
        rush = [
            await seed_live_lot(
                sessions,
                engine,
                bidders=1,
                register=False,
                end_at=first_end + dt.timedelta(seconds=60 * n / args.rush),
            )
            for n in range(args.rush)
        ]
    finally:
        await redis.aclose()
        await db.dispose()
    every: list[SeededLot] = [hot, *quiet, *rush]
    return {
        "lots": bidding_seed(every)["lots"],
        "bidders": [{"token": b.token, "lot_id": hot.lot_id} for b in hot.bidders],
        "late_bidders": [{"token": b.token, "lot_id": lot.lot_id} for lot in rush for b in lot.bidders],
        "rush_ids": [lot.lot_id for lot in rush],
        "last_end_ms": max(lot.end_ms for lot in rush),
    }


async def _admin(server_url: str, statement: str) -> None:
    admin = create_engine(server_url, pool_size=1)
    try:
        async with admin.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(sa.text(statement))
    finally:
        await admin.dispose()


@contextlib.contextmanager
def fresh_database(server_url: str, label: str) -> Iterator[str]:
    """A database of the setting's own: the other setting's lots (live in PostgreSQL, unknown
    to this setting's Redis) must not be its lifecycle clock's concern."""
    name = f"bench_scale_{label}_{secrets.token_hex(3)}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def evening(
    label: str, environ: dict[str, str], redis_url: str, cluster: bool, args: argparse.Namespace, out: Path
) -> dict[str, Any]:
    namespace = f"scale-{secrets.token_hex(3)}"
    env = {**environ, "REDIS_URL": redis_url, "REDIS_NAMESPACE": namespace}
    if cluster:
        env |= {"REDIS_CLUSTER": "true", "REDIS_ACK_REPLICAS": "1"}
    server = Server(env, workers=args.workers, log_dir=out)
    try:
        started = time.monotonic()
        plan = asyncio.run(seed(env["DATABASE_URL"], redis_url, cluster, namespace, args))
        seeded_s = time.monotonic() - started
        seconds = max(int(plan["last_end_ms"] / 1000 - time.time()) + 20, 30)
        users = args.watchers + args.hot_bidders + len(plan["late_bidders"])
        counts = {"LOADTEST_WATCHERS": args.watchers, "LOADTEST_BIDDERS": args.hot_bidders}
        rows = locust(
            server.base_url,
            server.ws_url,
            plan,
            users,
            seconds,
            ["Watcher", "Bidder", "LateBidder"],
            out,
            counts,
        )
        deadline, closes = time.monotonic() + 60, {}
        while time.monotonic() < deadline:
            closes = asyncio.run(check_closes(env["DATABASE_URL"], plan["rush_ids"]))
            if closes["closed"] == closes["lots"]:
                break
            time.sleep(2)
    finally:
        server.stop()
    ack, latency = rows.get("WS bid_ack", {}), rows.get("WS event_latency", {})
    lost = rows.get("WS lost_event", {})
    result = {
        "setting": label,
        "seeded_s": round(seeded_s, 1),
        **closes,
        "bids_over_socket": int(figure(ack, "Request Count")),
        "bid_ack_p50_ms": figure(ack, "50%"),
        "bid_ack_p99_ms": figure(ack, "99%"),
        "events_received": int(figure(latency, "Request Count")),
        "event_latency_p50_ms": figure(latency, "50%"),
        "event_latency_p99_ms": figure(latency, "99%"),
        "missed_events": int(figure(lost, "Failure Count")),
        "failures": int(figure(rows.get("Aggregated", {}), "Failure Count")),
    }
    # A rush without late bids would test no soft close: every rush lot must have had one.
    late = closes.get("late_bids", 0) >= args.rush
    result["ok"] = bool(closes.get("ok")) and late and result["missed_events"] == 0
    print(json.dumps(result), flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lots", type=int, default=1_000)
    parser.add_argument("--rush", type=int, default=300)
    parser.add_argument("--watchers", type=int, default=1_500)
    parser.add_argument("--hot-bidders", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rush-lead",
        type=int,
        default=75,
        help="seconds from seeding the rush to its first end (locust ramps up)",
    )
    parser.add_argument("--only", choices=["cluster", "single"], help="one setting instead of both")
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    database_url, single_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    results = []
    with (
        tempfile.TemporaryDirectory() as folder,
        EmbeddedServices(Path(folder), postgres=not database_url, redis=not single_url) as services,
        redis_cluster(Path(folder) / "cluster", masters=3, replicas=1) as cluster,
    ):
        environ = {
            **os.environ,
            "DATABASE_URL": database_url or (services.postgres.url if services.postgres else ""),
            "AUCTION_RULES": "sandbox",
            "AUCTION_EXTENSION_SECONDS": str(EXTENSION_S),
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATA_DIR": folder,
            "LOG_LEVEL": "WARNING",
        }
        single = single_url or (services.redis.url if services.redis else "")
        settings = [("cluster", f"redis://127.0.0.1:{cluster.ports[0]}/0", True), ("single", single, False)]
        for label, url, is_cluster in settings:
            if args.only in (None, label):
                with fresh_database(environ["DATABASE_URL"], label) as database_url:
                    env = {**environ, "DATABASE_URL": database_url}
                    out = RESULTS / f"{stamp}-scale-{label}"
                    results.append(evening(label, env, url, is_cluster, args, out))
    report = {"date": stamp, "cores": os.cpu_count(), "args": vars(args), "results": results}
    if len(results) == 2:
        report["cluster_over_single"] = {
            key: results[0][key] / results[1][key]
            for key in ("bid_ack_p99_ms", "event_latency_p99_ms", "close_drift_max_s")
            if results[1][key]
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stamp}-scale.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
