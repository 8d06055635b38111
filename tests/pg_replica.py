"""A PostgreSQL primary and a streaming replica of it on loopback, from the Debian binaries
(`initdb`, `pg_basebackup -R`), for the read-replica tests. Under root the clusters belong to
the `postgres` system user, as PostgreSQL refuses to run as root."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.conftest import free_port

DEBIAN_BINARIES = Path("/usr/lib/postgresql")


def postgres_binaries() -> Path | None:
    versions = sorted(DEBIAN_BINARIES.glob("*/bin/pg_basebackup")) if DEBIAN_BINARIES.exists() else []
    return versions[-1].parent if versions else None


@dataclass
class PrimaryAndReplica:
    bin_dir: Path
    folder: Path
    user: str | None
    primary_port: int
    replica_port: int

    def url(self, port: int, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{port}/{database}"

    def run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        group = pwd.getpwnam(self.user).pw_gid if self.user else None
        return subprocess.run(
            [str(self.bin_dir / tool), *args],
            user=self.user,
            group=group,
            extra_groups=[] if self.user else None,
            capture_output=True,
            text=True,
            check=check,
            cwd=self.folder,
        )

    def start(self, name: str, port: int, *settings: str) -> None:
        options = f"-p {port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off " + " ".join(
            settings
        )
        data = self.folder / name
        self.run(
            "pg_ctl", "-D", str(data), "-l", str(self.folder / f"{name}.log"), "-o", options, "-w", "start"
        )

    def stop(self, name: str) -> None:
        self.run("pg_ctl", "-D", str(self.folder / name), "-m", "fast", "-w", "stop", check=False)

    def start_replica(self) -> None:
        self.start("replica", self.replica_port, "-c hot_standby=on")

    def stop_replica(self) -> None:
        self.stop("replica")


@contextmanager
def primary_and_replica(folder: Path) -> Iterator[PrimaryAndReplica]:
    bin_dir = postgres_binaries()
    if bin_dir is None:
        raise FileNotFoundError("no PostgreSQL server binaries under /usr/lib/postgresql")
    user = "postgres" if os.geteuid() == 0 else None
    folder.mkdir(parents=True, exist_ok=True)
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        for parent in folder.parents:  # traverse only, for the cluster's owner
            parent.chmod(parent.stat().st_mode | 0o001)
    pair = PrimaryAndReplica(bin_dir, folder, user, free_port(), free_port())
    pair.run(
        "initdb", "-D", str(folder / "primary"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"
    )
    pair.start("primary", pair.primary_port, "-c wal_level=replica -c max_wal_senders=4")
    try:
        pair.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(pair.primary_port), "-U", "postgres",
            "-D", str(folder / "replica"), "-R", "-X", "stream",
        )  # fmt: skip
        pair.start_replica()
        yield pair
    finally:
        pair.stop_replica()
        pair.stop("primary")
        shutil.rmtree(folder, ignore_errors=True)
