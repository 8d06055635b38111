"""A benchmark database at the national site's scale (white paper, end of 2016: 6.44 million
dishonest persons, 40.65 million persons subject to enforcement): `make bench-lists` loads it
with this, then measures the partner check, the public search, the full copy and the import.

    python -m load_tests.lists_data --database-url postgresql://postgres@127.0.0.1/auction_bench_lists \
        [--dishonest 6500000] [--subjects 4000000]

Every person is a function of its index (`person(i)`): the benchmark asks about listed and
unlisted people without storing who they are. Rows go in with COPY, the non-unique indexes
dropped first and rebuilt after (what an operator does for a bulk load); a progress bar shows
each table. The database is dropped and made anew.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import asyncpg
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from auction.accounts import credit_code, identity
from auction.accounts.sealing import seal
from auction.migrations import upgrade
from core.db import create_engine
from core.settings import derive_lists_key

# The benchmark server runs with these (never a deployment's): hashes and seals must match.
BENCH_SECRET = "bench-lists-secret-key-not-for-any-deployment-000000"  # noqa: S105
BENCH_LISTS_KEY = derive_lists_key("", BENCH_SECRET)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌波辉宁峰鹏飞云"
    "浩鑫宇晨欣怡佳琪梓涵子轩然诺萱"
)
CITIES = (
    "北京",
    "上海",
    "杭州",
    "广州",
    "深圳",
    "南京",
    "成都",
    "武汉",
    "济南",
    "西安",
    "重庆",
    "天津",
    "厦门",
    "长沙",
)
TRADES = ("商贸", "建设", "实业", "科技", "置业", "物流", "投资", "机械", "纺织", "食品", "化工", "电子")
REGIONS = ("110101", "110105", "310104", "310115", "330106", "440106", "440305", "320102", "510107", "420102")
COURTS = 200
EPOCH = dt.datetime(2013, 10, 1, tzinfo=dt.UTC)  # the national list opened in October 2013
BATCH = 20_000
REMOVED_EVERY = 20  # one entry in twenty has been removed (performed), as the list's turnover


@dataclass(frozen=True, slots=True)
class Person:
    kind: str  # natural | legal
    name: str
    number: str  # identity number or credit code


def person(i: int) -> Person:
    """The i-th person of the benchmark: every tenth a company, the rest people; numbers unique."""
    h = (i * 2654435761) & 0xFFFFFFFF
    if i % 10 == 9:
        code, rest = "", i
        for _ in range(9):
            rest, digit = divmod(rest, 31)
            code = credit_code.ALPHABET[digit] + code
        name = f"{CITIES[h % len(CITIES)]}{GIVEN[(h >> 8) % len(GIVEN)]}{GIVEN[(h >> 16) % len(GIVEN)]}"
        name += f"{TRADES[(h >> 24) % len(TRADES)]}有限公司"
        return Person("legal", name, credit_code.complete("91" + REGIONS[h % len(REGIONS)] + code))
    born = dt.date(1940, 1, 1) + dt.timedelta(days=i // 1000)
    first17 = f"{REGIONS[h % len(REGIONS)]}{born:%Y%m%d}{i % 1000:03d}"
    given = GIVEN[(h >> 8) % len(GIVEN)] + (GIVEN[(h >> 16) % len(GIVEN)] if (h >> 24) % 4 else "")
    return Person("natural", SURNAMES[h % len(SURNAMES)] + given, identity.complete(first17))


def masked(who: Person) -> str:
    return identity.mask(who.number) if who.kind == "natural" else credit_code.mask(who.number)


def court_name(k: int) -> str:
    return f"{CITIES[k % len(CITIES)]}市第{k}区人民法院"


def dishonest_case_number(i: int) -> str:
    return f"({2014 + i % 11})京{i % COURTS:03d}执{i}号"


def _dishonest_rows(start: int, stop: int, secret: str) -> Iterator[tuple[object, ...]]:
    for i in range(start, stop):
        who = person(i)
        listed = EPOCH + dt.timedelta(seconds=53 * i)
        removed = listed + dt.timedelta(days=90) if i % REMOVED_EVERY == REMOVED_EVERY - 1 else None
        yield (
            i + 1,
            who.name,
            who.kind,
            identity.keyed_hash(who.number, secret),
            masked(who),
            court_name(i % COURTS),
            dishonest_case_number(i),
            "给付判决确定的款项",
            listed,
            removed or listed,
            "able_but_refuses",
            removed,
            "performed" if removed else None,
            seal(who.number, BENCH_LISTS_KEY),
        )


DISHONEST_COLUMNS = [
    "id", "name", "kind", "id_number_hash", "id_number_masked", "court_name", "case_number",
    "obligation", "listed_at", "updated_at", "ground", "removed_at", "removal_reason", "id_number_sealed",
]  # fmt: skip
CHANGE_COLUMNS = [
    "op",
    "list",
    "entry_id",
    "name",
    "kind",
    "id_number_masked",
    "id_number_sealed",
    "detail",
    "at",
]
CASE_COLUMNS = [
    "court_id", "case_number", "debtor_name", "debtor_kind", "debtor_id_number_hash",
    "debtor_id_number_masked", "status", "filed_at", "closed_at", "created_at", "updated_at",
]  # fmt: skip


def _changes(rows: list[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """Each entry's listing, and its removal right after for a removed one (the feed's order)."""
    for row in rows:
        entry_id, name, kind, _, shown, *_, removed, _, sealed = row
        yield ("listed", "dishonest", entry_id, name, kind, shown, sealed, "able_but_refuses", row[8])
        if removed is not None:
            yield ("removed", "dishonest", entry_id, name, kind, shown, sealed, "performed", removed)


def _case_rows(start: int, stop: int, offset: int, secret: str) -> Iterator[tuple[object, ...]]:
    for j in range(start, stop):
        who = person(offset + j)
        filed = EPOCH + dt.timedelta(seconds=80 * j)
        closed = filed + dt.timedelta(days=180) if j % 10 == 9 else None
        yield (
            j % COURTS + 1,
            f"({2014 + j % 11})京{j % COURTS:03d}执恢{j}号",
            who.name,
            who.kind,
            identity.keyed_hash(who.number, secret),
            masked(who),
            "closed_unsatisfied" if closed else "open",
            filed,
            closed,
            filed,
            closed or filed,
        )


async def _drop_indexes(connection: asyncpg.Connection, tables: list[str]) -> list[str]:
    """Drop the indexes that are no constraint's; their definitions, to build them again."""
    rows = await connection.fetch(
        """SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY($1::text[])
           AND indexname NOT IN (SELECT conname FROM pg_constraint)""",
        tables,
    )
    for row in rows:
        await connection.execute(f'DROP INDEX "{row["indexname"]}"')
    return [row["indexdef"] for row in rows]


async def load(database_url: str, dishonest: int, subjects: int) -> None:
    server, _, name = database_url.rpartition("/")
    admin = await asyncpg.connect(f"{server}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    engine = create_engine(database_url.replace("postgresql://", "postgresql+asyncpg://", 1))
    await upgrade(engine)
    await engine.dispose()
    connection = await asyncpg.connect(database_url)
    await connection.execute("SET maintenance_work_mem = '1GB'")
    await connection.executemany(
        "INSERT INTO courts (id, code, name, created_at) VALUES ($1, $2, $3, now())",
        [(k + 1, f"B{k:04d}", court_name(k)) for k in range(COURTS)],
    )
    definitions = await _drop_indexes(connection, ["dishonest_persons", "enforcement_cases", "list_changes"])
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns) as progress:
        listed = progress.add_task("dishonest persons", total=dishonest)
        for start in range(0, dishonest, BATCH):
            rows = list(_dishonest_rows(start, min(start + BATCH, dishonest), BENCH_SECRET))
            await connection.copy_records_to_table(
                "dishonest_persons", records=rows, columns=DISHONEST_COLUMNS
            )
            await connection.copy_records_to_table(
                "list_changes", records=_changes(rows), columns=CHANGE_COLUMNS
            )
            progress.advance(listed, len(rows))
        cases = progress.add_task("persons subject to enforcement", total=subjects)
        for start in range(0, subjects, BATCH):
            rows = list(_case_rows(start, min(start + BATCH, subjects), dishonest, BENCH_SECRET))
            await connection.copy_records_to_table("enforcement_cases", records=rows, columns=CASE_COLUMNS)
            progress.advance(cases, len(rows))
        rebuilt = progress.add_task("indexes", total=len(definitions))
        for definition in definitions:
            await connection.execute(definition)
            progress.advance(rebuilt)
    await connection.execute(
        "SELECT setval('dishonest_persons_id_seq', (SELECT max(id) FROM dishonest_persons))"
    )
    await connection.execute("SELECT setval('courts_id_seq', (SELECT max(id) FROM courts))")
    await connection.execute("VACUUM ANALYZE")
    await connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/auction_bench_lists")
    parser.add_argument("--dishonest", type=int, default=6_500_000)
    parser.add_argument("--subjects", type=int, default=4_000_000)
    args = parser.parse_args(argv)
    asyncio.run(load(args.database_url, args.dishonest, args.subjects))
    return 0


if __name__ == "__main__":
    sys.exit(main())
