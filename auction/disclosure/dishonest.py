"""The list of dishonest persons subject to enforcement (失信被执行人) imported from a CSV: bad
rows are reported with their line number and skipped, never half-written."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts import identity
from auction.accounts.sealing import seal
from auction.errors import ValidationFailed
from settlement.enums import DebtorKind


@dataclass(frozen=True, slots=True)
class ImportReport:
    imported: int
    updated: int
    rejected: list[tuple[int, str]]  # (line number, reason)


DISHONEST_COLUMNS = ("name", "kind", "id_number", "court", "case_number", "obligation", "listed_on")


def _dishonest_row(row: dict[str, str], secret_key: str) -> dict[str, Any]:
    kind = DebtorKind(row["kind"].strip() or "natural")
    number = row["id_number"].strip().upper()
    if kind is DebtorKind.NATURAL and not identity.is_valid(number):
        raise ValueError("invalid identity number")
    if not row["name"].strip() or not row["case_number"].strip():
        raise ValueError("name and case number are required")
    listed = dt.date.fromisoformat(row["listed_on"].strip())
    return {
        "name": row["name"].strip()[:200],
        "kind": kind,
        "id_number_hash": identity.keyed_hash(number, secret_key),
        # A legal person's unified social credit code is public; a natural person's number never is.
        "id_number_masked": identity.mask(number) if kind is DebtorKind.NATURAL else number[:32],
        "court_name": row["court"].strip()[:200],
        "case_number": row["case_number"].strip()[:64],
        "obligation": row.get("obligation", "").strip(),
        "listed_at": dt.datetime.combine(listed, dt.time(), dt.UTC),
    }


BATCH_ROWS = 5_000  # rows a statement upserts (as arrays: no limit of bound parameters)


async def import_dishonest(
    session: AsyncSession,
    path: Path,
    secret_key: str,
    progress: Callable[[int], None] | None = None,
    *,
    lists_key: bytes | None = None,
) -> ImportReport:
    """Upsert the list from a UTF-8 CSV with a header row of DISHONEST_COLUMNS; bad rows are
    reported with their line number and skipped, never half-written. A row new to the list (or
    back on it after a removal) is a `listed` change of the partners' feed, as a court's listing
    is; with the lists key its number is sealed for the partners. Rows go in batches (one
    statement each), in file order: a row that names an entry already in the batch waits for
    the next one, so the counts are those of writing the rows one by one."""
    counts = _Counts()
    batch: dict[tuple[str, str], dict[str, Any]] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = set(DISHONEST_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValidationFailed(
                f"the CSV lacks columns: {', '.join(sorted(missing))}", fields={"file": "columns"}
            )
        line = 1
        for line, row in enumerate(reader, start=2):
            try:
                values = _dishonest_row(row, secret_key)
            except (ValueError, KeyError, AttributeError) as exc:
                counts.rejected.append((line, str(exc)))
                continue
            values["id_number_sealed"] = (
                seal(row["id_number"].strip().upper(), lists_key) if lists_key else None
            )
            key = (values["id_number_hash"], values["case_number"])
            if key in batch or len(batch) >= BATCH_ROWS:
                await _write_batch(session, batch, counts)
                if progress is not None:
                    progress(line - 2)
            batch[key] = values
        await _write_batch(session, batch, counts)
        if progress is not None:
            progress(line - 1)
    return ImportReport(counts.imported, counts.updated, counts.rejected)


@dataclass(slots=True)
class _Counts:
    imported: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _arrays(*columns: tuple[str, Any]) -> list[sa.BindParameter[Any]]:
    return [sa.bindparam(name, type_=postgresql.ARRAY(kind)) for name, kind in columns]


# A batch is a handful of arrays unnested by the server: one statement compiled once, whatever
# the batch's size (a multi-row VALUES compiled per batch was most of a million-row import).
_REMOVED_BEFORE = sa.text(
    """
    SELECT d.id_number_hash, d.case_number FROM dishonest_persons d
    JOIN unnest(:hashes, :cases) AS b (h, c) ON d.id_number_hash = b.h AND d.case_number = b.c
    WHERE d.removed_at IS NOT NULL
    """
).bindparams(*_arrays(("hashes", sa.String), ("cases", sa.String)))
# xmax = 0 on a returned row means it was inserted rather than updated. A row that was removed
# and comes again is listed again.
_UPSERT = sa.text(
    """
    INSERT INTO dishonest_persons (name, kind, id_number_hash, id_number_masked, court_name,
        case_number, obligation, listed_at, updated_at, id_number_sealed)
    SELECT n, k, h, m, court, c, o, l, now(), s
    FROM unnest(:names, :kinds, :hashes, :masked, :courts, :cases, :obligations, :listed, :sealed)
        AS b (n, k, h, m, court, c, o, l, s)
    ON CONFLICT (id_number_hash, case_number) DO UPDATE SET
        name = excluded.name, obligation = excluded.obligation, court_name = excluded.court_name,
        listed_at = excluded.listed_at, updated_at = now(), removed_at = NULL, removal_reason = NULL
    RETURNING xmax = 0, id, id_number_hash, case_number
    """
).bindparams(
    *_arrays(
        ("names", sa.String), ("kinds", sa.String), ("hashes", sa.String), ("masked", sa.String),
        ("courts", sa.String), ("cases", sa.String), ("obligations", sa.String),
        ("listed", sa.DateTime(timezone=True)), ("sealed", sa.String),
    )
)  # fmt: skip
_LISTED = sa.text(
    """
    INSERT INTO list_changes (op, list, entry_id, name, kind, id_number_masked, id_number_sealed,
        detail, at)
    SELECT 'listed', 'dishonest', e, n, k, m, s, 'import', now()
    FROM unnest(:entries, :names, :kinds, :masked, :sealed) WITH ORDINALITY AS b (e, n, k, m, s, i)
    ORDER BY i
    """
).bindparams(
    *_arrays(("entries", sa.BigInteger), ("names", sa.String), ("kinds", sa.String), ("masked", sa.String),
             ("sealed", sa.String))
)  # fmt: skip


async def _write_batch(
    session: AsyncSession, batch: dict[tuple[str, str], dict[str, Any]], counts: _Counts
) -> None:
    """Upsert the batch in one statement and record a `listed` change for each row that is new
    or was removed before, in file order; empties the batch."""
    if not batch:
        return
    rows = list(batch.values())
    hashes, cases = [r["id_number_hash"] for r in rows], [r["case_number"] for r in rows]
    returning = set((await session.execute(_REMOVED_BEFORE, {"hashes": hashes, "cases": cases})).all())
    written = {
        (h, c): (bool(inserted), int(entry_id))
        for inserted, entry_id, h, c in await session.execute(
            _UPSERT,
            {
                "names": [r["name"] for r in rows],
                "kinds": [r["kind"].value for r in rows],
                "hashes": hashes,
                "masked": [r["id_number_masked"] for r in rows],
                "courts": [r["court_name"] for r in rows],
                "cases": cases,
                "obligations": [r["obligation"] for r in rows],
                "listed": [r["listed_at"] for r in rows],
                "sealed": [r["id_number_sealed"] for r in rows],
            },
        )
    }
    listed = []
    for key, values in batch.items():  # file order, so the feed lists them as the file does
        inserted, entry_id = written[key]
        if inserted or key in returning:
            listed.append((entry_id, values))
        if inserted:
            counts.imported += 1
        else:
            counts.updated += 1
    if listed:
        await session.execute(
            _LISTED,
            {
                "entries": [entry_id for entry_id, _ in listed],
                "names": [v["name"] for _, v in listed],
                "kinds": [v["kind"].value for _, v in listed],
                "masked": [v["id_number_masked"] for _, v in listed],
                "sealed": [v["id_number_sealed"] for _, v in listed],
            },
        )
    batch.clear()
