"""A reference partner client (PROTOCOL.md "Joint punishment"): keeps a local copy of both lists
from the platform's change feed, and checks people against the copy or the platform.

    python -m load_tests.partner_client --base-url http://127.0.0.1:8000 --key pk_… [--check NAME ID]

A partner that applies every page of the feed from an empty cursor, in order, and then each new
page, holds exactly the platform's lists: a `listed` item adds (or replaces) the entry, a
`removed` item drops it. The copy keeps the cursor, so a restart goes on where it stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True)
    parser.add_argument("--check", nargs=2, metavar=("NAME", "ID_NUMBER"))
    args = parser.parse_args(argv)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
