"""Uploading property photos and documents, and serving them (and clue attachments) back safely."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from auction.cases.files import MAX_BYTES, served_file, store_file
from auction.enums import FileKind
from auction.errors import ValidationFailed
from auction.models import PropertyFile
from web.auth import optional_user, require_user
from web.bodies import read_upload
from web.params import path_id
from web.rendering import may_be_signed_in
from web.responses import json_response
from web.state import app_state


def file_json(row: PropertyFile) -> dict[str, object]:
    return {
        "id": row.id,
        "property_id": row.property_id,
        "kind": row.kind.value,
        "name": row.original_name,
        "content_type": row.content_type,
        "size": row.size_bytes,
        "sha256": row.sha256,
        "url": f"/files/{row.stored_name}",
    }


async def upload(request: Request) -> Response:
    property_id = path_id(request, "property_id")
    state = app_state(request)
    async with state.sessions() as session:
        user = await require_user(request, session)  # before reading the body: no anonymous uploads
    # The body streams in before any transaction opens, so a slow upload holds no connection.
    sent = await read_upload(request, max_file_bytes=max(MAX_BYTES.values()), max_fields=5)
    if sent.filename is None:
        raise ValidationFailed("send the file as multipart field 'file'", fields={"file": "required"})
    try:
        kind = FileKind(sent.fields.get("kind", "photo"))
    except ValueError:
        raise ValidationFailed("kind is photo or document", fields={"kind": "invalid_choice"}) from None
    async with state.sessions.begin() as session:
        row = await store_file(
            session,
            user,
            state.settings.data_dir,
            property_id,
            kind,
            sent.filename,
            sent.content[: MAX_BYTES[kind] + 1],
        )
        return json_response(file_json(row), status_code=201)


async def serve_file(request: Request) -> Response:
    state = app_state(request)
    async with state.sessions() as session:
        viewer = await optional_user(request, session) if may_be_signed_in(request) else None
        found = await served_file(
            session, state.settings.data_dir, request.path_params["stored_name"], viewer
        )
    disposition = "inline" if found.content_type.startswith("image/") else "attachment"
    return FileResponse(
        found.path,
        media_type=found.content_type,
        headers={
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; sandbox",
            "content-disposition": f'{disposition}; filename="{found.download_name}"',
            # A clue's attachment is the court's and its reporter's: never in a shared cache.
            "cache-control": "public, max-age=86400, immutable"
            if found.download_name.startswith("file-")
            else "private, no-store",
        },
    )


routes = [
    Route("/api/v1/properties/{property_id}/files", upload, methods=["POST"]),
    Route("/files/{stored_name}", serve_file, methods=["GET"]),
]
