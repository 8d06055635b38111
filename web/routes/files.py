"""Uploading property photos and documents, and serving them back safely."""

from __future__ import annotations

import sqlalchemy as sa
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from auction.cases.files import MAX_BYTES, store_file, stored_path
from auction.enums import FileKind
from auction.errors import NotFound, ValidationFailed
from auction.models import PropertyFile
from web.auth import require_user
from web.params import is_number
from web.routes.court import path_id
from web.state import app_state

MULTIPART_OVERHEAD = 64 * 1024


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


async def upload(request: Request) -> JSONResponse:
    property_id = path_id(request, "property_id")
    declared = request.headers.get("content-length", "")
    if is_number(declared) and int(declared) > max(MAX_BYTES.values()) + MULTIPART_OVERHEAD:
        raise ValidationFailed("the upload is too large", fields={"file": "too_large"})
    state = app_state(request)
    async with state.sessions.begin() as session:
        user = await require_user(request, session)  # before reading the body: no anonymous uploads
        async with request.form(max_files=1, max_fields=5) as form:
            upload_file, kind_raw = form.get("file"), form.get("kind", "photo")
            if not isinstance(upload_file, UploadFile):
                raise ValidationFailed("send the file as multipart field 'file'", fields={"file": "required"})
            try:
                kind = FileKind(str(kind_raw))
            except ValueError:
                raise ValidationFailed(
                    "kind is photo or document", fields={"kind": "invalid_choice"}
                ) from None
            content = await upload_file.read(MAX_BYTES[kind] + 1)
            row = await store_file(
                session, user, state.settings.data_dir, property_id, kind, upload_file.filename or "", content
            )
        return JSONResponse(file_json(row), status_code=201)


async def serve_file(request: Request) -> Response:
    state = app_state(request)
    path = stored_path(state.settings.data_dir, request.path_params["stored_name"])
    async with state.sessions() as session:
        row = await session.scalar(sa.select(PropertyFile).where(PropertyFile.stored_name == path.name))
    if row is None or not path.is_file():
        raise NotFound("no such file")
    disposition = "inline" if row.content_type.startswith("image/") else "attachment"
    return FileResponse(
        path,
        media_type=row.content_type,
        headers={
            "x-content-type-options": "nosniff",
            "content-security-policy": "default-src 'none'; sandbox",
            "content-disposition": f'{disposition}; filename="file-{row.id}.{path.suffix.lstrip(".")}"',
            "cache-control": "public, max-age=86400, immutable",
        },
    )


routes = [
    Route("/api/v1/properties/{property_id}/files", upload, methods=["POST"]),
    Route("/files/{stored_name}", serve_file, methods=["GET"]),
]
