"""JSON answers of the API, encoded by msgspec: the domain's read models (msgspec Structs,
dataclasses) go out as they are, in the shape docs/api.md gives, without a dict in between."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

_encoder = msgspec.json.Encoder()


def json_response(value: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        _encoder.encode(value), status_code=status_code, media_type="application/json", headers=headers
    )
