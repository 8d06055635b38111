"""Photos and documents of seized property, stored on disk under the data folder.

The file's type is decided by its first bytes, never by its name or the client's header,
and must be on the list below; the stored name is random, so no upload can choose where it
lands or escape its folder; files are served only with their checked type.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from auction.accounts.access import case_for_staff, require_staff_of
from auction.enums import FileKind
from auction.errors import Forbidden, NotFound, ValidationFailed
from auction.models import (
    AgentAuthorisation,
    AuctionObjection,
    Clue,
    EnforcementCase,
    Lot,
    Property,
    PropertyFile,
    Registration,
    User,
)

MAX_BYTES = {FileKind.PHOTO: 10 * 1024 * 1024, FileKind.DOCUMENT: 20 * 1024 * 1024}
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png|webp|pdf)$")


@dataclass(frozen=True, slots=True)
class FileType:
    content_type: str
    extension: str


def sniff(head: bytes) -> FileType | None:
    if head.startswith(b"\xff\xd8\xff"):
        return FileType("image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("image/png", "png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("image/webp", "webp")
    if head.startswith(b"%PDF-"):
        return FileType("application/pdf", "pdf")
    return None


ALLOWED = {
    FileKind.PHOTO: {"image/jpeg", "image/png", "image/webp"},
    FileKind.DOCUMENT: {"application/pdf", "image/jpeg", "image/png"},
}


def uploads_dir(data_dir: Path) -> Path:
    return data_dir / "uploads"


async def store_file(
    session: AsyncSession,
    user: User,
    data_dir: Path,
    property_id: int,
    kind: FileKind,
    name: str,
    content: bytes,
) -> PropertyFile:
    prop = await session.get(Property, property_id)
    if prop is None:
        raise NotFound("no such property")
    await case_for_staff(session, user, prop.case_id)
    detected, stored_name = await asyncio.to_thread(
        _write_checked, data_dir, content, MAX_BYTES[kind], ALLOWED[kind]
    )
    row = PropertyFile(
        property_id=prop.id,
        kind=kind,
        original_name=Path(name).name[:255] or "upload",
        stored_name=stored_name,
        content_type=detected.content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    session.add(row)
    await session.flush()
    return row


def stored_path(data_dir: Path, stored_name: str) -> Path:
    """The on-disk path of a stored name; anything but our own naming is not found."""
    if not STORED_NAME.match(stored_name):
        raise NotFound("no such file")
    return uploads_dir(data_dir) / stored_name


async def store_attachment(data_dir: Path, content: bytes) -> str:
    """Store a clue's photo or PDF the same way as property files; return its stored name."""
    _, stored_name = await asyncio.to_thread(
        _write_checked, data_dir, content, MAX_BYTES[FileKind.DOCUMENT], None
    )
    return stored_name


@dataclass(frozen=True, slots=True)
class ServedFile:
    path: Path
    content_type: str
    download_name: str  # what the browser saves it as: never the uploader's own file name


async def served_file(
    session: AsyncSession, data_dir: Path, stored_name: str, viewer: User | None
) -> ServedFile:
    """A property's photo or document (public), or a clue's attachment (its reporter's and the
    case's court's only); anything else, or a file missing on disk, is NotFound."""
    path = stored_path(data_dir, stored_name)
    row = await session.scalar(sa.select(PropertyFile).where(PropertyFile.stored_name == path.name))
    if row is not None:
        found = ServedFile(path, row.content_type, f"file-{row.id}{path.suffix}")
    elif (
        authorisation := await session.scalar(
            sa.select(AgentAuthorisation).where(AgentAuthorisation.document_name == path.name)
        )
    ) is not None:
        if viewer is None or not await _may_see_authorisation(session, viewer, authorisation):
            raise NotFound("no such file")
        detected = sniff(await asyncio.to_thread(_head, path))
        content_type = detected.content_type if detected else "application/octet-stream"
        found = ServedFile(path, content_type, f"authorisation-{authorisation.id}{path.suffix}")
    elif (
        objection := await session.scalar(
            sa.select(AuctionObjection).where(AuctionObjection.document_names.contains([path.name]))
        )
    ) is not None:
        if viewer is None or not await _may_see_objection(session, viewer, objection):
            raise NotFound("no such file")
        detected = sniff(await asyncio.to_thread(_head, path))
        content_type = detected.content_type if detected else "application/octet-stream"
        found = ServedFile(path, content_type, f"objection-{objection.id}{path.suffix}")
    else:
        clue = await session.scalar(sa.select(Clue).where(Clue.attachment_name == path.name))
        if clue is None or viewer is None or not await _may_see_clue(session, viewer, clue):
            raise NotFound("no such file")
        detected = sniff(await asyncio.to_thread(_head, path))
        found = ServedFile(
            path,
            detected.content_type if detected else "application/octet-stream",
            f"clue-{clue.id}{path.suffix}",
        )
    if not await asyncio.to_thread(path.is_file):
        raise NotFound("no such file")
    return found


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(16)
    except OSError:
        return b""


async def _is_staff_of_lots_court(session: AsyncSession, viewer: User, lot_id: int) -> bool:
    court_id = await session.scalar(
        sa.select(EnforcementCase.court_id)
        .join(Property, Property.case_id == EnforcementCase.id)
        .join(Lot, Lot.property_id == Property.id)
        .where(Lot.id == lot_id)
    )
    assert court_id is not None
    try:
        require_staff_of(viewer, court_id)
    except Forbidden:
        return False
    return True


async def _may_see_authorisation(
    session: AsyncSession, viewer: User, authorisation: AgentAuthorisation
) -> bool:
    """A power of attorney: its principal, its agent and the lot's court."""
    principal = await session.scalar(
        sa.select(Registration.user_id).where(Registration.id == authorisation.registration_id)
    )
    if viewer.id in (principal, authorisation.agent_user_id):
        return True
    return await _is_staff_of_lots_court(session, viewer, authorisation.lot_id)


async def _may_see_objection(session: AsyncSession, viewer: User, objection: AuctionObjection) -> bool:
    """An objection's documents: its objector and the lot's court."""
    if viewer.id == objection.user_id:
        return True
    return await _is_staff_of_lots_court(session, viewer, objection.lot_id)


async def _may_see_clue(session: AsyncSession, viewer: User, clue: Clue) -> bool:
    if viewer.id == clue.reporter_user_id:
        return True
    case = await session.get(EnforcementCase, clue.case_id)
    assert case is not None
    try:
        require_staff_of(viewer, case.court_id)
    except Forbidden:
        return False
    return True


def _write_checked(
    data_dir: Path, content: bytes, max_bytes: int, allowed: set[str] | None
) -> tuple[FileType, str]:
    """Check size and sniffed type (`allowed` None: any type we sniff), then write the file
    under a random name: the one way every upload reaches the disk."""
    if not content:
        raise ValidationFailed("the file is empty", fields={"file": "empty"})
    if len(content) > max_bytes:
        raise ValidationFailed(
            f"the file is larger than {max_bytes // 1024 // 1024} MiB", fields={"file": "too_large"}
        )
    detected = sniff(content[:16])
    if detected is None or (allowed is not None and detected.content_type not in allowed):
        raise ValidationFailed(
            "only JPEG, PNG or WebP photos and PDF documents", fields={"file": "unsupported_type"}
        )
    stored_name = f"{secrets.token_hex(16)}.{detected.extension}"
    folder = uploads_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored_name).write_bytes(content)
    return detected, stored_name
