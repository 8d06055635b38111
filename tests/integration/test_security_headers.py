"""Security headers on every HTTP response."""

from __future__ import annotations

import httpx


async def test_pages_and_api_carry_the_security_headers(api: httpx.AsyncClient) -> None:
    for path in ("/", "/api/v1/time", "/no-such-page"):
        headers = (await api.get(path)).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "same-origin"
