"""`auction partners create|rotate-key|revoke`: the institutions that act on the lists and their
keys (PROTOCOL.md "Joint punishment"). A key is printed once, as JSON on standard output, and
kept only as its hash: lose it and rotate."""

from __future__ import annotations

import argparse
import json
from collections.abc import Awaitable, Callable

from auction.disclosure import partners
from core.db import DbSession

InTransaction = Callable[[Callable[[DbSession], Awaitable[object]]], Awaitable[None]]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    actions = commands.add_parser("partners", help="partner institutions of the lists").add_subparsers(
        dest="action", required=True
    )
    creating = actions.add_parser("create", help="a partner and its first key (printed once)")
    creating.add_argument("--name", required=True)
    creating.add_argument("--kind", default="", help="railway, airline, bank, credit platform, …")
    creating.add_argument("--scopes", required=True, help="comma-separated: check,feed,push")
    creating.add_argument("--push-url", help="the HTTPS endpoint pushes are signed and sent to")
    rotating = actions.add_parser("rotate-key", help="a new key; the old ones stop at once")
    rotating.add_argument("--id", type=int, required=True)
    revoking = actions.add_parser("revoke", help="the partner and every key of it stop")
    revoking.add_argument("--id", type=int, required=True)


async def run(args: argparse.Namespace, in_transaction: InTransaction, lists_key: bytes) -> None:
    async def work(session: DbSession) -> None:
        if args.action == "create":
            scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
            made = await partners.create_partner(
                session, args.name, args.kind, scopes, args.push_url, lists_key=lists_key
            )
            shown: dict[str, object] = {"partner_id": made.partner.id, "key": made.key}
            if made.push_secret:
                shown["push_secret"] = made.push_secret
            print(json.dumps(shown))
        elif args.action == "rotate-key":
            print(json.dumps({"partner_id": args.id, "key": await partners.rotate_key(session, args.id)}))
        else:
            await partners.revoke_partner(session, args.id)
            print(json.dumps({"partner_id": args.id, "revoked": True}))

    await in_transaction(work)
