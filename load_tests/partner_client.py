"""A reference partner client (PROTOCOL.md "Joint punishment"): keeps a local copy of both lists
from the platform's change feed and its pushes, and checks people against the copy or the
platform.

    python -m load_tests.partner_client --base-url http://127.0.0.1:8000 --key pk_… [--check NAME ID]
        [--listen 127.0.0.1:9100 --push-secret S]   (then receive pushes until interrupted)

A partner that applies every page of the feed from an empty cursor, in order, and then each new
page, holds exactly the platform's lists: a `listed` item adds (or replaces) the entry, a
`removed` item drops it. The copy keeps the cursor, so a restart goes on where it stopped.
A push (`PushReceiver`) is applied when it follows on from the copy's cursor (its
`previous_cursor`); a push the copy is behind on sends the client to the feed, and a repeat is
dropped, so feed and pushes together keep the copy exact.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import sys
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class ListsCopy:
    """Both lists as the partner holds them: (list, entry id) -> the entry's last listing."""

    entries: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    cursor: str = ""

    def apply(self, item: dict[str, Any]) -> None:
        key = (item["list"], item["entry_id"])
        if item["op"] == "listed":
            self.entries[key] = item
        else:
            self.entries.pop(key, None)
        self.cursor = item["cursor"]

    def listed(self, id_number: str) -> list[str]:
        """The lists the copy has this number on."""
        return sorted(
            {k[0] for k, e in self.entries.items() if id_number in (e.get("id_number"), e.get("credit_code"))}
        )


class PartnerClient:
    def __init__(self, base_url: str, key: str, *, client: httpx.AsyncClient | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = client or httpx.AsyncClient(timeout=30)
        self.headers = {"Authorization": f"Bearer {key}"}

    async def sync(self, copy: ListsCopy) -> int:
        """Apply every change after the copy's cursor; the number applied."""
        applied = 0
        while True:
            page = await self.http.get(
                f"{self.base_url}/api/v1/partner/feed", params={"cursor": copy.cursor}, headers=self.headers
            )
            page.raise_for_status()
            body = page.json()
            for item in body["items"]:
                copy.apply(item)
                applied += 1
            if not body["items"]:
                return applied

    async def check(self, name: str, id_number: str) -> dict[str, Any]:
        answer = await self.http.get(
            f"{self.base_url}/api/v1/partner/check",
            params={"name": name, "id_number": id_number},
            headers=self.headers,
        )
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result


def signature_ok(secret: str, timestamp: str, body: bytes, signature: str, *, tolerance_s: int = 300) -> bool:
    """X-Signature is hex HMAC-SHA256 of "<timestamp>.<raw body>"; a stale timestamp is refused
    (a replay of an old push)."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance_s:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class PushReceiver:
    """The partner's push endpoint, as an ASGI app: checks the signature, then applies the batch
    to the copy if it follows on from the copy's cursor, else catches up from the feed."""

    def __init__(self, copy: ListsCopy, secret: str, client: PartnerClient) -> None:
        self.copy, self.secret, self.client = copy, secret, client
        self.lock = asyncio.Lock()  # one change of the copy at a time: pushes and syncs alike
        self.applied = self.repeats = self.catch_ups = self.refused = 0

    async def receive(self, body: dict[str, Any]) -> None:
        items = body["items"]
        async with self.lock:
            at = int(self.copy.cursor or 0)
            if not items or int(items[-1]["cursor"]) <= at:
                self.repeats += 1
            elif self.copy.cursor and body.get("previous_cursor") == self.copy.cursor:
                for item in items:
                    self.copy.apply(item)
                self.applied += len(items)
            else:  # behind (or the first push): the feed from our cursor covers these items too
                await self.client.sync(self.copy)
                self.catch_ups += 1

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        raw = b"".join(chunks)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        if scope["method"] != "POST" or not signature_ok(
            self.secret, headers.get("x-timestamp", ""), raw, headers.get("x-signature", "")
        ):
            self.refused += 1
            status = 401
        else:
            await self.receive(json.loads(raw))
            status = 204
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True)
    parser.add_argument("--check", nargs=2, metavar=("NAME", "ID_NUMBER"))
    parser.add_argument("--listen", metavar="HOST:PORT", help="receive pushes here (needs --push-secret)")
    parser.add_argument("--push-secret")
    args = parser.parse_args(argv)
    if args.listen and not args.push_secret:
        parser.error("--listen needs --push-secret")
    return asyncio.run(_main(args))


async def _main(args: argparse.Namespace) -> int:
    client = PartnerClient(args.base_url, args.key)
    copy = ListsCopy()
    applied = await client.sync(copy)
    print(json.dumps({"applied": applied, "entries": len(copy.entries), "cursor": copy.cursor}))
    if args.check:
        name, number = args.check
        answer = {"copy": copy.listed(number), "platform": await client.check(name, number)}
        print(json.dumps(answer, ensure_ascii=False))
    if args.listen:
        import uvicorn  # only a listening client needs a server

        host, _, port = args.listen.rpartition(":")
        receiver = PushReceiver(copy, args.push_secret, client)
        await uvicorn.Server(uvicorn.Config(receiver, host=host, port=int(port), log_level="warning")).serve()
        print(json.dumps({"applied": receiver.applied, "entries": len(copy.entries), "cursor": copy.cursor}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
