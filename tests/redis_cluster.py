"""A real 3-master Redis Cluster on loopback, started from the local redis-server binary."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from core.embedded import redis_server_binary

SLOTS = 16384


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port(taken: list[int]) -> int:
    """A port whose cluster bus port (port + 10000) is free as well."""
    for _ in range(1000):
        port = random.randint(20_000, 40_000)
        if port not in taken and _bindable(port) and _bindable(port + 10_000):
            return port
    raise RuntimeError("no free port pair for a cluster node")


@contextmanager
def redis_cluster(folder: Path, masters: int = 3) -> Iterator[list[int]]:
    binary = redis_server_binary()
    ports: list[int] = []
    for _ in range(masters):
        ports.append(_free_port(ports))
    processes = []
    for port in ports:
        node_dir = folder / str(port)
        node_dir.mkdir(parents=True)
        processes.append(
            subprocess.Popen(
                [
                    str(binary),
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--dir",
                    str(node_dir),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--logfile",
                    str(node_dir / "redis.log"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        clients = [redis.Redis(host="127.0.0.1", port=port) for port in ports]
        _wait(lambda: all(_pings(client) for client in clients))
        per_node = SLOTS // masters
        for index, client in enumerate(clients):
            first = index * per_node
            last = SLOTS if index == masters - 1 else first + per_node
            client.execute_command("CLUSTER ADDSLOTS", *range(first, last))
        for client in clients[1:]:
            client.execute_command("CLUSTER MEET", "127.0.0.1", ports[0])
        _wait(
            lambda: all(client.execute_command("CLUSTER INFO")["cluster_state"] == "ok" for client in clients)
        )
        _wait(lambda: all(len(client.execute_command("CLUSTER NODES")) == masters for client in clients))
        for client in clients:
            client.close()
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def _wait(condition: object, timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise TimeoutError("the Redis Cluster did not come up")


@contextmanager
def redis_server(folder: Path, *args: str) -> Iterator[int]:
    """One redis-server of the test's own on a free loopback port (extra `args` as given)."""
    binary = redis_server_binary()
    port = _free_port([])
    node_dir = folder / f"single-{port}"
    node_dir.mkdir(parents=True)
    process = subprocess.Popen(
        [
            str(binary),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(node_dir),
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(node_dir / "redis.log"),
            *args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        _wait(lambda: _pings(client))
        client.close()
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
