"""The embedded services start from nothing, are reused when running, and stop cleanly."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import asyncpg

from core.embedded import EmbeddedServices


def redis_ping(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(str(path))
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


async def test_start_reuse_and_stop(tmp_path: Path) -> None:
    with EmbeddedServices(tmp_path, postgres=True, redis=True) as outer:
        assert outer.postgres is not None and outer.redis is not None
        connection = await asyncpg.connect(
            host=str(outer.postgres.socket_dir), user="postgres", database="auction"
        )
        assert await connection.fetchval("SELECT 1") == 1
        await connection.close()
        assert redis_ping(outer.redis.socket)

        # A second user of the same data folder reuses the running services and leaves them up.
        with EmbeddedServices(tmp_path, postgres=True, redis=True) as inner:
            assert inner.postgres is not None and not inner.postgres.started_here
            assert inner.redis is not None and not inner.redis.started_here
        assert outer.postgres.is_running()
        assert redis_ping(outer.redis.socket)
    assert not outer.postgres.is_running()
    assert not outer.redis.socket.exists() or not _connectable(outer.redis.socket)
    # Nothing listens on TCP: both services are private to the data folder.
    processes = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    assert str(tmp_path) not in processes


def _connectable(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(path))
    except OSError:
        return False
    return True


def test_a_long_data_folder_still_gets_short_socket_paths(tmp_path: Path) -> None:
    deep = tmp_path / ("x" * 60) / ("y" * 60)
    services = EmbeddedServices(deep, postgres=True, redis=True)
    assert services.postgres is not None and services.redis is not None
    assert len(str(services.redis.socket)) <= 100
    assert len(str(services.postgres.socket_dir / ".s.PGSQL.5432")) <= 100
