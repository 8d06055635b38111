"""The public lists' search reaches its rows through migration 0015's indexes, not by reading the
whole list: a substring of three characters or more through the trigram index on the search
text, a shorter query (a surname) through the name's pattern index. At the national site's scale
(6.5 million entries) a scan is seconds; `make bench-lists` measures the indexed search."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from auction.disclosure.listings import expiring
from auction.disclosure.lists import ListQuery, _case_select, _dishonest_select
from core.db import utcnow


async def _plan(session: AsyncSession, select: sa.Select[object]) -> str:
    sql = select.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    # Tiny tables are cheaper to scan, and a full pass over any index is as cheap: leave only
    # index lookups with a condition (bitmap scans) to see whether an index answers the query.
    await session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    await session.execute(sa.text("SET LOCAL enable_indexscan = off"))
    return "\n".join(row[0] for row in await session.execute(sa.text(f"EXPLAIN {sql}")))


async def _has_trigrams(session: AsyncSession) -> bool:
    return bool(await session.scalar(sa.text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")))


async def test_a_name_or_case_number_is_found_through_the_trigram_index(session: AsyncSession) -> None:
    if not await _has_trigrams(session):
        pytest.skip("this PostgreSQL has no pg_trgm (migration 0015 builds no trigram index)")
    dishonest = await _plan(session, _dishonest_select(ListQuery(q="钱多多")))
    assert "ix_dishonest_persons_search" in dishonest, dishonest
    cases = await _plan(session, _case_select("subjects", ListQuery(q="(2026)浙0106执")))
    assert "ix_enforcement_cases_search" in cases, cases


async def test_a_surname_is_found_through_the_name_index(session: AsyncSession) -> None:
    dishonest = await _plan(session, _dishonest_select(ListQuery(q="孙")))
    assert "ix_dishonest_persons_name" in dishonest, dishonest
    cases = await _plan(session, _case_select("subjects", ListQuery(q="孙三")))
    assert "ix_enforcement_cases_debtor_name" in cases, cases


async def test_the_lists_clock_finds_expired_periods_through_its_partial_index(session: AsyncSession) -> None:
    plan = await _plan(session, expiring(utcnow()))
    assert "ix_dishonest_persons_expiring" in plan, plan
