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
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts import identity
from auction.accounts.sealing import seal
from auction.errors import ValidationFailed
from auction.models import DishonestPerson, ListChange
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


BATCH_ROWS = 1_000  # rows a statement upserts: 12 columns each, inside PostgreSQL's 32,767 parameters


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


async def _write_batch(
    session: AsyncSession, batch: dict[tuple[str, str], dict[str, Any]], counts: _Counts
) -> None:
    """Upsert the batch in one statement and record a `listed` change for each row that is new
    or was removed before; empties the batch."""
    if not batch:
        return
    key_of = sa.tuple_(DishonestPerson.id_number_hash, DishonestPerson.case_number)
    removed_before = sa.select(DishonestPerson.id_number_hash, DishonestPerson.case_number).where(
        key_of.in_(list(batch)), DishonestPerson.removed_at.is_not(None)
    )
    returning = {(number_hash, case) for number_hash, case in await session.execute(removed_before)}
    statement = pg_insert(DishonestPerson).values(list(batch.values()))
    # xmax = 0 on a returned row means it was inserted rather than updated. A row that was
    # removed and comes again is listed again.
    kept = {k: statement.excluded[k] for k in ("name", "obligation", "court_name", "listed_at")}
    listed_again = {"updated_at": sa.func.now(), "removed_at": None, "removal_reason": None}
    upsert = statement.on_conflict_do_update(
        index_elements=["id_number_hash", "case_number"], set_=kept | listed_again
    ).returning(
        sa.literal_column("xmax = 0", sa.Boolean),
        DishonestPerson.id,
        DishonestPerson.id_number_hash,
        DishonestPerson.case_number,
    )
    written = {
        (h, c): (bool(inserted), int(entry_id)) for inserted, entry_id, h, c in await session.execute(upsert)
    }
    changes = []
    for key, values in batch.items():  # file order, so the feed lists them as the file does
        inserted, entry_id = written[key]
        if inserted or key in returning:
            changes.append(
                {
                    "op": "listed",
                    "list": "dishonest",
                    "entry_id": entry_id,
                    "name": values["name"],
                    "kind": values["kind"].value,
                    "id_number_masked": values["id_number_masked"],
                    "id_number_sealed": values["id_number_sealed"],
                    "detail": "import",
                }
            )
        if inserted:
            counts.imported += 1
        else:
            counts.updated += 1
    if changes:
        await session.execute(sa.insert(ListChange).values(changes))
    batch.clear()
