"""`make bench-lists`: the lists at the national site's scale (issue 18, point 7), measured on a
benchmark database that `load_tests.lists_data` fills (6.5 million dishonest persons, 4 million
persons subject to enforcement) and a real server on it.

    python -m load_tests.bench_lists [--reuse] [--workers 2] [--check-rate 500] [--seconds 30]

- partner check by identity, open loop at a fixed rate (latency counted from the moment each
  request was due, so a slow server cannot hide behind a slowed client): p50, p99, errors;
- public search by full name, by surname and by case number (closed loop, 4 at a time);
- a partner's full copy of both lists from an empty cursor with the reference client
  (changes a second), checked against the database's own count;
- the CSV import of a million rows (`auction dishonest import`), rows a second, while the
  server runs; and the pushes of those million listings to a partner's endpoint here, changes a
  second delivered, signature checked, in order.

Results go to load_tests/results/lists-<UTC time>.json. Not in CI: it needs ~15 GB of disk and
an hour. Uses DATABASE_URL's server (a database of its own) and REDIS_URL, else localhost.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import uvicorn
import uvloop

from load_tests.harness import Server, free_port
from load_tests.lists_data import BENCH_SECRET, dishonest_case_number, load, person
from load_tests.partner_client import ListsCopy, PartnerClient
from load_tests.push_counter import PushCounter
from load_tests.raw_http import RawHttp

RESULTS = Path(__file__).resolve().parent / "results"
WARM_UP_S = 5
CONNECTIONS = 32  # the checking clients' connections, spread over the workers by the kernel


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def summary(latencies_s: list[float]) -> dict[str, float]:
    ms = [1000 * v for v in latencies_s]
    return {
        "p50_ms": round(percentile(ms, 0.50), 2),
        "p99_ms": round(percentile(ms, 0.99), 2),
        "max_ms": round(max(ms), 2),
    }


async def open_loop(rate: float, seconds: float, call: Callable[[int], Awaitable[bool]]) -> dict[str, Any]:
    """`rate` calls a second for `seconds`, each started when due whether or not the earlier ones
    answered; a call's latency runs from when it was due."""
    latencies: list[float] = []
    by_second: dict[int, list[float]] = {}
    errors = 0
    # The generator's own garbage collections would pause every call in flight and count as
    # the server's latency: none while the clock runs (what it allocates is freed after).
    gc.collect()
    gc.disable()
    started = time.perf_counter()

    async def one(n: int, due: float) -> None:
        nonlocal errors
        try:
            ok = await call(n)
        except (httpx.HTTPError, OSError, asyncio.IncompleteReadError):
            ok = False
        latencies.append(time.perf_counter() - due)
        by_second.setdefault(int(due - started), []).append(latencies[-1])
        errors += not ok

    tasks = []
    for n in range(int(rate * seconds)):
        due = started + n / rate
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(n, due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    gc.enable()
    rate_seen = round(len(latencies) / elapsed, 1)
    # Where the slow answers were: a stall (a checkpoint, a background pass) shows as one second.
    worst = sorted(by_second, key=lambda second: max(by_second[second]), reverse=True)[:3]
    slowest = {f"second {second}": round(1000 * max(by_second[second]), 1) for second in sorted(worst)}
    measured = {"requests": len(latencies), "achieved_per_s": rate_seen, "errors": errors}
    timeline = [round(1000 * percentile(by_second[k], 0.99), 1) for k in sorted(by_second)]
    return measured | summary(latencies) | {"slowest_seconds_ms": slowest, "p99_each_second_ms": timeline}


async def closed_loop(total: int, concurrency: int, call: Callable[[int], Awaitable[bool]]) -> dict[str, Any]:
    latencies: list[float] = []
    errors = 0
    numbers = iter(range(total))

    async def worker() -> None:
        nonlocal errors
        for n in numbers:
            began = time.perf_counter()
            errors += not await call(n)
            latencies.append(time.perf_counter() - began)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"requests": total, "per_s": round(total / elapsed, 1), "errors": errors} | summary(latencies)


def create_partner(environ: dict[str, str], scopes: str, push_url: str | None = None) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "web.cli",
        "partners",
        "create",
        "--name",
        f"基准{scopes}",
        "--scopes",
        scopes,
    ]
    made = subprocess.run(  # noqa: S603  (our own command line)
        command + (["--push-url", push_url] if push_url else []),
        env=environ, capture_output=True, text=True, check=True,
    )  # fmt: skip
    answer: dict[str, Any] = json.loads(made.stdout)
    return answer


def revoke_partner(environ: dict[str, str], partner_id: int) -> None:
    command = [sys.executable, "-m", "web.cli", "partners", "revoke", "--id", str(partner_id)]
    subprocess.run(command, env=environ, capture_output=True, check=True)  # noqa: S603  (our own)


async def bench_checks(
    server: Server, key: str, dishonest: int, rate: float, seconds: float
) -> dict[str, Any]:
    """Half the people asked about are listed (a random entry), half are not (never loaded).
    The questions are drawn before the clock starts, so the client spends its time asking."""
    rng = random.Random(7)
    questions = []
    for n in range(int(rate * seconds)):
        who = person(rng.randrange(dishonest) if n % 2 else 20_000_000 + n)
        questions.append(
            {"name": who.name, "id_number" if who.kind == "natural" else "credit_code": who.number}
        )
    http = RawHttp("127.0.0.1", server.port, {"Authorization": f"Bearer {key}"})
    await http.open(CONNECTIONS)

    async def check(n: int) -> bool:
        status, _ = await http.get("/api/v1/partner/check", questions[n])
        return status == 200

    try:
        # Five seconds at the rate first, not counted: every worker's database connections
        # opened and their statements prepared, as on a server that has been up for a while.
        await open_loop(rate, WARM_UP_S, lambda n: check(n % len(questions)))
        return await open_loop(rate, seconds, check)
    finally:
        await http.close()


async def bench_search(server: Server, dishonest: int, requests: int) -> dict[str, Any]:
    rng = random.Random(11)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:

        def searching(query: Callable[[], str]) -> Callable[[int], Awaitable[bool]]:
            async def search(_: int) -> bool:
                answer = await http.get("/api/v1/disclosure/dishonest", params={"q": query()})
                return answer.status_code == 200

            return search

        full_name = searching(lambda: person(rng.randrange(dishonest)).name)
        surname = searching(lambda: person(rng.randrange(dishonest)).name[0])
        case = searching(lambda: dishonest_case_number(rng.randrange(dishonest)))
        await closed_loop(20, 2, full_name)
        return {
            "full_name": await closed_loop(requests, 4, full_name),
            "surname": await closed_loop(max(20, requests // 10), 4, surname),
            "case_number": await closed_loop(requests, 4, case),
        }


async def bench_copy(server: Server, key: str, database_url: str) -> dict[str, Any]:
    client = PartnerClient(server.base_url, key, client=httpx.AsyncClient(timeout=120))
    copy = ListsCopy()
    started = time.perf_counter()
    applied = await client.sync(copy)
    elapsed = time.perf_counter() - started
    await client.http.aclose()
    connection = await asyncpg.connect(database_url)
    listed = await connection.fetchval(
        "SELECT (SELECT count(*) FROM dishonest_persons WHERE removed_at IS NULL)"
        " + (SELECT count(*) FROM consumption_restrictions WHERE lifted_at IS NULL)"
    )
    await connection.close()
    return {
        "changes": applied,
        "seconds": round(elapsed, 1),
        "changes_per_s": round(applied / elapsed),
        "entries_in_copy": len(copy.entries),
        "entries_listed": listed,
        "copy_equals_lists": len(copy.entries) == listed,
    }


def bench_import(environ: dict[str, str], rows: int, first: int, folder: Path) -> dict[str, Any]:
    path = folder / "import.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "kind", "id_number", "court", "case_number", "obligation", "listed_on"])
        for i in range(first, first + rows):
            who = person(i)
            writer.writerow([who.name, who.kind, who.number, "北京市第一中级人民法院", f"(2026)京01执{i}号",
                             "给付货款", "2026-11-30"])  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "web.cli", "dishonest", "import", str(path)],
        env=environ, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    return {
        "rows": rows,
        "seconds": round(elapsed, 1),
        "rows_per_s": round(rows / elapsed),
        "report": done.stdout.strip().splitlines()[-1:] if done.returncode == 0 else done.stderr[-500:],
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    if not args.reuse:
        load_started = time.perf_counter()
        await load(args.database_url, args.dishonest, args.subjects)
        print(f"loaded in {time.perf_counter() - load_started:.0f} s", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="bench-lists-"))
    environ = os.environ | {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "REDIS_NAMESPACE": "bench-lists",
        "SECRET_KEY": BENCH_SECRET,
        "AUCTION_PARTNER_RATE": "100000",  # one key at 500 a second: the throttle is not measured
        # Connections a worker keeps: past them, each burst opened and closed connections of its
        # own, which stalled every check for 0.3 s (p99 150–250 ms at 10; about 20 ms at 20).
        "DATABASE_POOL_SIZE": "20",
        "DATA_DIR": str(folder),
        "LOG_LEVEL": "WARNING",
    }
    checker = create_partner(environ, "check,feed")
    key = checker["key"]
    push_port = free_port()
    pusher = create_partner(environ, "push", f"http://127.0.0.1:{push_port}/push")
    counter = PushCounter(pusher["push_secret"])
    endpoint = uvicorn.Server(uvicorn.Config(counter, host="127.0.0.1", port=push_port, log_level="warning"))
    endpoint_task = asyncio.create_task(endpoint.serve())
    server = Server(environ, args.workers, folder)
    try:
        result: dict[str, Any] = {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        result["machine"] = f"{os.cpu_count()} cores"
        result["workers"] = args.workers
        result["dishonest"], result["subjects"] = args.dishonest, args.subjects
        result["check"] = await bench_checks(server, key, args.dishonest, args.check_rate, args.seconds)
        print("check", {k: v for k, v in result["check"].items() if k != "p99_each_second_ms"}, flush=True)
        result["search"] = await bench_search(server, args.dishonest, args.search_requests)
        print("search", result["search"], flush=True)
        if not args.skip_copy:
            result["copy"] = await bench_copy(server, key, args.database_url)
            print("copy", result["copy"], flush=True)
        if args.import_rows:
            first = 30_000_000 + int(time.time()) % 200 * 10_000_000  # new people in every run
            result["import"] = await asyncio.to_thread(bench_import, environ, args.import_rows, first, folder)
            print("import", result["import"], flush=True)
            result["pushes"] = await counter.drained(args.import_rows)
            print("pushes", result["pushes"], flush=True)
    finally:
        server.stop()
        endpoint.should_exit = True
        await endpoint_task
        for made in (checker, pusher):  # the next run's push loop must not chase this endpoint
            revoke_partner(environ, made["partner_id"])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/auction_bench_lists")
    parser.add_argument("--reuse", action="store_true", help="the benchmark database is loaded already")
    parser.add_argument("--dishonest", type=int, default=6_500_000)
    parser.add_argument("--subjects", type=int, default=4_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--check-rate", type=float, default=500)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--search-requests", type=int, default=400)
    parser.add_argument("--import-rows", type=int, default=1_000_000)
    parser.add_argument("--skip-copy", action="store_true")
    args = parser.parse_args(argv)
    result = uvloop.run(run(args))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"lists-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
