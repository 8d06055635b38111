"""A partner's push endpoint for `make bench-lists`: checks each push's signature and counts the
changes, when they came and whether any came out of order (the goal is none)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from load_tests.partner_client import signature_ok


class PushCounter:
    """A partner's endpoint that checks each push's signature and counts its changes and when
    they came; out-of-order cursors are counted too (the goal is none)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.items = self.refused = self.out_of_order = 0
        self.last_cursor = 0
        self.first_at = self.last_at = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        raw, more = b"", True
        while more:
            message = await receive()
            raw, more = raw + message.get("body", b""), message.get("more_body", False)
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        if signature_ok(self.secret, headers.get("x-timestamp", ""), raw, headers.get("x-signature", "")):
            for item in json.loads(raw)["items"]:
                cursor = int(item["cursor"])
                self.out_of_order += cursor <= self.last_cursor
                self.last_cursor = max(cursor, self.last_cursor)
                self.items += 1
            self.first_at = self.first_at or time.perf_counter()
            self.last_at = time.perf_counter()
            status = 204
        else:
            self.refused += 1
            status = 401
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def drained(self, expected: int, patience_s: float = 60) -> dict[str, Any]:
        seen, quiet_since = -1, time.perf_counter()
        while self.items < expected and time.perf_counter() - quiet_since < patience_s:
            if self.items != seen:
                seen, quiet_since = self.items, time.perf_counter()
            await asyncio.sleep(0.5)
        span = max(self.last_at - self.first_at, 1e-9)
        return {
            "changes": self.items,
            "expected": expected,
            "changes_per_s": round(self.items / span),
            "refused": self.refused,
            "out_of_order": self.out_of_order,
        }
