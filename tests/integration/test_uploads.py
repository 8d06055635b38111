"""Property photos and documents: type and size checked, stored under the data folder, served
back only as what they are."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.cases.files import MAX_BYTES
from auction.enums import FileKind
from tests.integration.test_workflows import court_and_staff, listed_lot

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64
HTML = b"<html><script>alert(1)</script></html>"


async def test_upload_and_serve(api: httpx.AsyncClient, committed: async_sessionmaker[AsyncSession]) -> None:
    _, staff = await court_and_staff(api, committed)
    _, other = await court_and_staff(api, committed)
    _, property_id, lot_id = await listed_lot(api, staff)
    url = f"/api/v1/properties/{property_id}/files"

    photo = await api.post(
        url, headers=staff.headers, files={"file": ("car.png", PNG, "image/png")}, data={"kind": "photo"}
    )
    assert photo.status_code == 201, photo.text
    assert photo.json()["content_type"] == "image/png" and photo.json()["url"].endswith(".png")
    document = await api.post(
        url,
        headers=staff.headers,
        files={"file": ("评估报告.pdf", PDF, "application/pdf")},
        data={"kind": "document"},
    )
    assert document.status_code == 201 and document.json()["name"] == "评估报告.pdf"

    served = await api.get(photo.json()["url"])
    assert served.content == PNG and served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "attachment" in (await api.get(document.json()["url"])).headers["content-disposition"]
    detail = (await api.get(f"/api/v1/lots/{lot_id}")).json()
    assert [f["kind"] for f in detail["files"]] == ["photo", "document"]

    disguised = await api.post(url, headers=staff.headers, files={"file": ("x.png", HTML, "image/png")})
    assert disguised.status_code == 422 and disguised.json()["error"]["fields"] == {
        "file": "unsupported_type"
    }
    wrong_kind = await api.post(
        url, headers=staff.headers, files={"file": ("x.pdf", PDF, "application/pdf")}, data={"kind": "photo"}
    )
    assert wrong_kind.status_code == 422
    big = PNG + b"\x00" * MAX_BYTES[FileKind.PHOTO]
    assert (await api.post(url, headers=staff.headers, files={"file": ("big.png", big)})).status_code == 422
    assert (await api.post(url, headers=other.headers, files={"file": ("x.png", PNG)})).status_code == 403
    assert (await api.post(url, files={"file": ("x.png", PNG)})).status_code == 401
    for escape in ("/files/..%2F..%2Fetc%2Fpasswd", "/files/x.html", "/files/" + "0" * 32 + ".png"):
        assert (await api.get(escape)).status_code == 404
