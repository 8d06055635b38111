"""The CSV import writes its rows in batches and still counts, lists and reports them as writing
them one by one would: a row naming an entry already in the batch waits for the next batch, a
bad row is skipped with its line, an entry removed and in the file again is listed again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts import identity
from auction.accounts.sealing import unseal
from auction.disclosure import dishonest
from auction.models import DishonestPerson, ListChange
from tests.conftest import TEST_SECRET

KEY = bytes(32)
A, B, C = (identity.complete(f"11010519700101{n:03d}") for n in range(3))
ROWS = f"""name,kind,id_number,court,case_number,obligation,listed_on
甲,natural,{A},一院,(2026)京01执1号,还款,2026-01-01
乙,natural,{B},一院,(2026)京01执2号,还款,2026-01-02
甲改,natural,{A},一院,(2026)京01执1号,还款,2026-01-03
坏,natural,123,一院,(2026)京01执9号,还款,2026-01-04
丙,natural,{C},一院,(2026)京01执3号,还款,2026-01-05
"""


async def test_batches_count_and_list_as_row_by_row(
    session: AsyncSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dishonest, "BATCH_ROWS", 2)  # batch boundaries inside this small file
    path = tmp_path / "list.csv"
    path.write_text(ROWS, encoding="utf-8")
    seen: list[int] = []
    report = await dishonest.import_dishonest(session, path, TEST_SECRET, seen.append, lists_key=KEY)
    assert (report.imported, report.updated) == (3, 1)
    assert report.rejected == [(5, "invalid identity number")]
    assert seen == sorted(seen) and seen[-1] == 5  # progress in rows read, to the last
    entries = {d.case_number: d for d in await session.scalars(sa.select(DishonestPerson))}
    assert entries["(2026)京01执1号"].name == "甲改"  # the later row of the same entry wins
    changes = list(await session.scalars(sa.select(ListChange).order_by(ListChange.id)))
    assert [c.name for c in changes] == ["甲", "乙", "丙"]  # one listing per new entry, file order
    assert unseal(changes[0].id_number_sealed or "", KEY) == A

    entries["(2026)京01执2号"].removed_at = dt.datetime.now(dt.UTC)
    await session.flush()
    again = await dishonest.import_dishonest(session, path, TEST_SECRET, lists_key=KEY)
    assert (again.imported, again.updated) == (0, 4)
    relisted = list(await session.scalars(sa.select(ListChange).order_by(ListChange.id)))[3:]
    assert [(c.op, c.name) for c in relisted] == [("listed", "乙")]  # back on the list; others none
    await session.refresh(entries["(2026)京01执2号"])
    assert entries["(2026)京01执2号"].removed_at is None
