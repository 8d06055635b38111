"""Request bodies are limited before they are read: a chunked body (no length announced) is cut
off at the limit, for JSON and for uploads alike, and nothing is buffered past it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.cases.files import MAX_BYTES
from auction.enums import FileKind, Role
from tests.integration.test_workflows import actor, court_and_staff, new_property
from web.jsonbody import MAX_BODY_BYTES

CHUNK = 64 * 1024


class Counted:
    """A chunked request body that counts how much of it the server pulled."""

    def __init__(self, head: bytes, filler_bytes: int, tail: bytes = b"") -> None:
        self.head, self.filler_bytes, self.tail = head, filler_bytes, tail
        self.sent = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.head
        self.sent += len(self.head)
        left = self.filler_bytes
        while left > 0:
            piece = b"x" * min(CHUNK, left)
            left -= len(piece)
            self.sent += len(piece)
            yield piece
        yield self.tail


async def test_a_chunked_json_body_is_cut_off_at_the_limit(api: httpx.AsyncClient) -> None:
    body = Counted(b'{"username": "', 50 * MAX_BODY_BYTES, b'"}')
    answer = await api.post("/api/v1/users", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "too_large"
    assert body.sent < 3 * MAX_BODY_BYTES  # refused while streaming, not after buffering 3 MiB


async def test_a_declared_length_over_the_limit_is_refused_before_reading(api: httpx.AsyncClient) -> None:
    answer = await api.post(
        "/api/v1/tokens",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": "999999999"},
    )
    assert answer.status_code == 422 and answer.json()["error"]["fields"] == {"body": "too_large"}


async def test_a_chunked_oversized_upload_is_cut_off_at_the_limit(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    case = await api.post(
        "/api/v1/cases",
        headers=staff.headers,
        json={"case_number": "(2026)上传1号", "debtor": {"name": "甲", "kind": "natural"}},
    )
    property_id = await new_property(api, staff, case.json()["id"])
    limit = max(MAX_BYTES.values())
    boundary = "cut-off-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nphoto\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode() + b"\x89PNG\r\n\x1a\n"
    body = Counted(head, 2 * limit, f"\r\n--{boundary}--\r\n".encode())
    answer = await api.post(
        f"/api/v1/properties/{property_id}/files",
        content=body,
        headers={**staff.headers, "content-type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["fields"] == {"file": "too_large"}
    assert body.sent < limit + 4 * CHUNK + len(head)  # never read much past the limit


async def test_an_upload_in_the_limit_still_lands(
    api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]
) -> None:
    _, staff = await court_and_staff(api, committed)
    bidder = await actor(api, committed, Role.BIDDER)
    case = await api.post(
        "/api/v1/cases",
        headers=staff.headers,
        json={"case_number": "(2026)上传2号", "debtor": {"name": "乙", "kind": "natural"}},
    )
    property_id = await new_property(api, staff, case.json()["id"])
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_BYTES[FileKind.PHOTO] - 100)
    url = f"/api/v1/properties/{property_id}/files"
    assert (await api.post(url, headers=bidder.headers, files={"file": ("a.png", png)})).status_code == 403
    stored = await api.post(
        url, headers=staff.headers, files={"file": ("a.png", png)}, data={"kind": "photo"}
    )
    assert stored.status_code == 201, stored.text
