"""Request bodies read with a limit that holds before the bytes arrive: a declared length over
the limit is refused at once, and a chunked body is counted as it streams and cut off at the
limit, so no request can make a worker buffer more than it allows (JSON or multipart).

Multipart bodies are parsed here, before any database transaction opens: a slow upload never
holds a pooled connection while it streams.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import FormData, UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.types import Message

from auction.errors import ValidationFailed
from web.params import is_number

MULTIPART_OVERHEAD = 64 * 1024  # headers, boundaries and the small fields around a file


class BodyTooLarge(ValidationFailed):
    code = "too_large"

    def __init__(self, limit: int, field: str = "body") -> None:
        super().__init__(
            f"the {field} is larger than {limit} bytes", code="too_large", fields={field: "too_large"}
        )


def _declared_length(request: Request) -> int | None:
    declared = request.headers.get("content-length", "")
    return int(declared) if is_number(declared) else None


def _counting(request: Request, limit: int, field: str = "body") -> Request:
    """The same request whose body stream raises once more than `limit` bytes have come."""
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit, field)
    received = 0
    receive = request.receive

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit, field)
        return message

    return Request(request.scope, counted)


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, at most `limit` bytes."""
    chunks = []
    try:
        async for chunk in _counting(request, limit).stream():
            chunks.append(chunk)
    except ClientDisconnect:
        raise ValidationFailed("the body ended early", fields={"body": "incomplete"}) from None
    return b"".join(chunks)


async def read_form(request: Request, limit: int) -> FormData:
    """A page's form (urlencoded or multipart without files), at most `limit` bytes."""
    return await _counting(request, limit).form(max_files=0, max_part_size=limit)


@dataclass(frozen=True, slots=True)
class Upload:
    fields: dict[str, str]
    filename: str | None  # None when no file was sent
    content: bytes


async def read_upload(request: Request, *, max_file_bytes: int, max_fields: int) -> Upload:
    """A multipart form with at most one file (`file`) of at most `max_file_bytes`."""
    limit = max_file_bytes + MULTIPART_OVERHEAD
    counted = _counting(request, limit, "file")
    async with counted.form(max_files=1, max_fields=max_fields, max_part_size=64 * 1024) as form:
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return Upload(fields, None, b"")
        content = await upload.read(max_file_bytes + 1)
        if len(content) > max_file_bytes:
            raise BodyTooLarge(max_file_bytes, "file")
        return Upload(fields, upload.filename or "", content)
