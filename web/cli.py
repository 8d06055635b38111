"""The `auction` console script: serve, migrate, demo, courts create, users create.

Every command reads the same environment as the server and starts embedded services for
the URLs left unset, stopping them again when it ends.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import FrameType

from auction.accounts import session_ends
from auction.accounts import users as accounts
from auction.accounts.session_ends import SessionEnded
from auction.demo import DEMO_ACCOUNTS, seed_demo
from auction.disclosure.dishonest import DISHONEST_COLUMNS, import_dishonest
from auction.enums import Role
from auction.errors import AuctionError
from auction.lots.bid_log import check_chain, published_head
from auction.lots.rebuild import rebuild_lot
from auction.migrations import is_current, upgrade
from auction.rules import profile_for
from core.db import DbSession, create_engine, session_factory
from core.embedded import EmbeddedServiceError
from core.redis import connect as connect_redis
from core.services import resolved_services
from core.settings import Settings, SettingsError
from settlement import ledger
from web import cli_partners
from web.app import engine_for
from web.server import serve

log = logging.getLogger("auction")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="auction", description="Judicial e-auction platform")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("serve", help="migrate if needed and serve the app and the gateway")
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.add_argument("--ws-port", type=int)
    run.add_argument("--workers", type=int)
    run.add_argument("--demo", action="store_true", help="seed the demonstration data first")

    commands.add_parser("migrate", help="apply the database migrations")
    commands.add_parser("demo", help="seed the demonstration data (idempotent)")

    courts = commands.add_parser("courts").add_subparsers(dest="action", required=True)
    court = courts.add_parser("create")
    court.add_argument("--code", required=True)
    court.add_argument("--name", required=True)
    court.add_argument("--province")

    users = commands.add_parser("users").add_subparsers(dest="action", required=True)
    user = users.add_parser("create")
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--username", required=True)
    user.add_argument("--password", required=True)
    user.add_argument("--court")
    user.add_argument("--real-name")
    user.add_argument("--id-number")
    identifying = users.add_parser(
        "set-identity", help="record a staff or admin account's identity number (art. 34: they may not bid)"
    )
    identifying.add_argument("--username", required=True)
    identifying.add_argument("--id-number", required=True)
    deactivating = users.add_parser("deactivate", help="the account signs in no more; its sessions end")
    deactivating.add_argument("--username", required=True)
    ledger_commands = commands.add_parser("ledger", help="the double-entry ledger").add_subparsers(
        dest="action", required=True
    )
    ledger_commands.add_parser("check", help="verify every transaction and the trial balance")

    dishonest = commands.add_parser("dishonest", help="the dishonest persons list").add_subparsers(
        dest="action", required=True
    )
    engine_commands = commands.add_parser("engine", help="the bidding engine").add_subparsers(
        dest="action", required=True
    )
    rebuilding = engine_commands.add_parser(
        "rebuild", help="rebuild a lot's live state in Redis from PostgreSQL"
    )
    rebuilding.add_argument("lot", type=int)
    rebuilding.add_argument(
        "--force",
        action="store_true",
        help="replace the lot's live state even though the engine still holds it",
    )
    verifying = commands.add_parser("verify", help="recompute a lot's bid log hash chain")
    verifying.add_argument("lot", type=int)
    importing = dishonest.add_parser("import", help="import or update entries from a UTF-8 CSV")
    importing.add_argument("file", type=Path, help=f"columns: {', '.join(DISHONEST_COLUMNS)}")
    cli_partners.add_parser(commands)
    return parser


def progress_bar(total: int) -> Callable[[int], None]:
    """A one-line progress bar on stderr."""

    def show(done: int) -> None:
        if done % 100 and done != total:
            return
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


async def _import_dishonest(session: DbSession, path: Path, settings: Settings) -> None:
    if not path.is_file():
        raise ImportFailed(f"no such file: {path}")
    with path.open(encoding="utf-8-sig") as handle:
        total = max(sum(1 for _ in handle) - 1, 0)
    report = await import_dishonest(
        session, path, settings.secret_key, progress_bar(total), lists_key=settings.lists_key
    )
    print(f"imported {report.imported}, updated {report.updated}, rejected {len(report.rejected)}")
    for line, reason in report.rejected[:50]:
        print(f"  line {line}: {reason}", file=sys.stderr)


async def _rebuild(session: DbSession, lot_id: int, settings: Settings, *, force: bool) -> None:
    assert settings.redis_url is not None
    redis = connect_redis(settings.redis_url, cluster=settings.redis_cluster)
    try:
        engine = engine_for(redis, settings)
        seq = await rebuild_lot(session, engine, profile_for(settings), lot_id, force=force)
    finally:
        await redis.aclose()
    print(f"lot {lot_id} rebuilt in the engine from the record: {seq} bids")


async def _verify(session: DbSession, lot_id: int) -> None:
    check = await check_chain(session, lot_id)
    published = await published_head(session, lot_id)
    print(f"lot {lot_id}: {check.count} bids, head {check.head}")
    if published is not None:
        print(f"published head {published}")
    if not check.valid:
        raise ChainBroken(f"the chain breaks at seq {check.first_broken_seq}: {check.reason}")
    if published is not None and published != check.head:
        raise ChainBroken("the log's head differs from the one published at the close")
    print("the bid log is intact")


class ChainBroken(AuctionError):
    code = "chain_broken"


class ImportFailed(AuctionError):
    code = "import_failed"


async def _ledger_check(session: DbSession) -> None:
    result = await ledger.check(session)
    print(f"accounts {result.accounts}, transactions {result.transactions}")
    print(f"total debits {result.total_debits} fen, total credits {result.total_credits} fen")
    if not result.ok:
        unbalanced = ", ".join(map(str, result.unbalanced_transactions)) or "none"
        raise LedgerCheckFailed(f"the ledger does not balance; unbalanced transactions: {unbalanced}")
    print("the ledger balances")


class LedgerCheckFailed(AuctionError):
    code = "ledger_unbalanced"


async def _in_transaction(settings: Settings, work: Callable[[DbSession], Awaitable[object]]) -> None:
    assert settings.database_url is not None
    engine = create_engine(settings.database_url, pool_size=2)
    try:
        if not await is_current(engine):
            await upgrade(engine)
        async with session_factory(engine).begin() as session:
            await work(session)
    finally:
        await engine.dispose()


async def _migrate(settings: Settings) -> None:
    assert settings.database_url is not None
    engine = create_engine(settings.database_url, pool_size=1)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def _print_demo_accounts(settings: Settings) -> None:
    print("Demo accounts (username / password / role):")
    for account in DEMO_ACCOUNTS:
        print(f"  {account.username:<12} {account.password:<20} {account.role.value}")
    sys.stdout.flush()


def _apply_overrides(settings: Settings, args: argparse.Namespace) -> Settings:
    overrides = {
        name: value
        for name, value in (
            ("host", args.host),
            ("port", args.port),
            ("ws_port", args.ws_port),
            ("workers", args.workers),
        )
        if value is not None
    }
    return settings.replace(**overrides) if overrides else settings


def run_command(args: argparse.Namespace, settings: Settings) -> None:
    if args.command == "serve":
        settings = _apply_overrides(settings, args)
        with resolved_services(settings) as resolved:
            asyncio.run(_migrate(resolved))
            if args.demo:
                asyncio.run(_in_transaction(resolved, lambda s: seed_demo(s, resolved)))
                _print_demo_accounts(resolved)
            print(f"Serving on http://{resolved.host}:{resolved.port}/", flush=True)
            serve(resolved)
        return
    with resolved_services(settings) as resolved:
        if args.command == "migrate":
            asyncio.run(_migrate(resolved))
            print("database is at the latest migration")
        elif args.command == "demo":
            asyncio.run(_in_transaction(resolved, lambda s: seed_demo(s, resolved)))
            _print_demo_accounts(resolved)
        elif args.command == "courts":
            asyncio.run(_in_transaction(resolved, lambda s: _create_court(s, args)))
        elif args.command == "users":
            _users_command(args, resolved)
        elif args.command == "ledger":
            asyncio.run(_in_transaction(resolved, _ledger_check))
        elif args.command == "engine":
            asyncio.run(
                _in_transaction(resolved, lambda s: _rebuild(s, args.lot, resolved, force=args.force))
            )
        elif args.command == "verify":
            asyncio.run(_in_transaction(resolved, lambda s: _verify(s, args.lot)))
        elif args.command == "dishonest":
            asyncio.run(_in_transaction(resolved, lambda s: _import_dishonest(s, args.file, resolved)))
        elif args.command == "partners":
            asyncio.run(
                cli_partners.run(args, lambda work: _in_transaction(resolved, work), resolved.lists_key)
            )


def _users_command(args: argparse.Namespace, settings: Settings) -> None:
    if args.action == "set-identity":
        asyncio.run(_in_transaction(settings, lambda s: _set_identity(s, args, settings)))
    elif args.action == "deactivate":
        asyncio.run(_deactivate(settings, args.username))
    else:
        asyncio.run(_in_transaction(settings, lambda s: _create_user(s, args, settings)))


async def _create_court(session: DbSession, args: argparse.Namespace) -> None:
    court = await accounts.create_court(session, code=args.code, name=args.name, province=args.province)
    print(f"court {court.code} created (id {court.id})")


async def _create_user(session: DbSession, args: argparse.Namespace, settings: Settings) -> None:
    new = accounts.NewUser(
        role=Role(args.role),
        username=args.username,
        password=args.password,
        real_name=args.real_name or args.username,
        id_number=args.id_number,
        court_code=args.court,
    )
    user = await accounts.create_user(session, new, secret_key=settings.secret_key)
    print(f"user {user.username} created (id {user.id}, role {user.role.value})")


async def _set_identity(session: DbSession, args: argparse.Namespace, settings: Settings) -> None:
    user = await accounts.set_staff_identity(
        session, args.username, args.id_number, secret_key=settings.secret_key
    )
    print(f"user {user.username}: identity {user.id_number_masked} recorded")


async def _deactivate(settings: Settings, username: str) -> None:
    holder: list[int] = []

    async def work(session: DbSession) -> None:
        holder.append((await accounts.deactivate(session, username)).id)

    await _in_transaction(settings, work)
    assert settings.redis_url is not None
    redis = connect_redis(settings.redis_url, cluster=settings.redis_cluster)
    try:
        # After the commit: a gateway that checks the sessions finds them revoked already.
        await session_ends.announce(redis, settings.redis_namespace, SessionEnded(user_id=holder[0]))
    finally:
        await redis.aclose()
    print(f"user {username} deactivated; every session of it has ended")


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # uvicorn re-raises the signal it caught once it has shut down; turning it into SystemExit
    # lets the `with resolved_services(...)` blocks stop the embedded services on the way out.
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        settings = Settings.from_env(os.environ, base_dir=Path.cwd())
        logging.basicConfig(
            level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        run_command(args, settings)
    except (SettingsError, EmbeddedServiceError) as exc:
        print(f"auction: {exc}", file=sys.stderr)
        return 2
    except AuctionError as exc:
        detail = "".join(f"\n  {field}: {code}" for field, code in exc.fields.items())
        print(f"auction: {exc.message} ({exc.code}){detail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
