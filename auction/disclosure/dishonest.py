"""The list of dishonest persons subject to enforcement (失信被执行人) imported from a CSV: bad
rows are reported with their line number and skipped, never half-written."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
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
    is; with the lists key its number is sealed for the partners."""
    imported = updated = 0
    rejected: list[tuple[int, str]] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = set(DISHONEST_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValidationFailed(
                f"the CSV lacks columns: {', '.join(sorted(missing))}", fields={"file": "columns"}
            )
        for line, row in enumerate(reader, start=2):
            try:
                values = _dishonest_row(row, secret_key)
            except (ValueError, KeyError, AttributeError) as exc:
                rejected.append((line, str(exc)))
                continue
            values["id_number_sealed"] = (
                seal(row["id_number"].strip().upper(), lists_key) if lists_key else None
            )
            was_removed = await session.scalar(
                sa.select(DishonestPerson.removed_at.is_not(None)).where(
                    DishonestPerson.id_number_hash == values["id_number_hash"],
                    DishonestPerson.case_number == values["case_number"],
                )
            )
            statement = pg_insert(DishonestPerson).values(**values)
            # xmax = 0 on the returned row means it was inserted rather than updated. A row that
            # was removed and comes again is listed again.
            kept = {k: statement.excluded[k] for k in ("name", "obligation", "court_name", "listed_at")}
            listed_again = {"updated_at": sa.func.now(), "removed_at": None, "removal_reason": None}
            upsert = statement.on_conflict_do_update(
                index_elements=["id_number_hash", "case_number"], set_=kept | listed_again
            ).returning(sa.literal_column("xmax = 0", sa.Boolean), DishonestPerson.id)
            row_written = (await session.execute(upsert)).one()
            inserted, entry_id = bool(row_written[0]), int(row_written[1])
            if inserted or was_removed:
                session.add(
                    ListChange(
                        op="listed",
                        list="dishonest",
                        entry_id=entry_id,
                        name=values["name"],
                        kind=values["kind"].value,
                        id_number_masked=values["id_number_masked"],
                        id_number_sealed=values["id_number_sealed"],
                        detail="import",
                    )
                )
            if inserted:
                imported += 1
            else:
                updated += 1
            if progress is not None:
                progress(line - 1)
    return ImportReport(imported, updated, rejected)
