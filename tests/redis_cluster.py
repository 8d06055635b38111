"""A real Redis Cluster on loopback (3 masters, optionally replicas of each), started from the
local redis-server binary."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import redis

from bidding_engine.boundary import text
from core.embedded import redis_server_binary

SLOTS = 16384
NODE_TIMEOUT_MS = 1000


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


def _server(binary: Path, node_dir: Path, port: int, *args: str) -> subprocess.Popen[bytes]:
    """redis-server on loopback, nothing persisted, its log in `node_dir`."""
    node_dir.mkdir(parents=True)
    return subprocess.Popen(
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


def _node(binary: Path, folder: Path, port: int) -> subprocess.Popen[bytes]:
    # A dead master is noticed and its replica promoted within seconds, not the default 15 s:
    # what a deployment that cares about bidding would configure.
    return _server(
        binary,
        folder / str(port),
        port,
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
        "--cluster-node-timeout",
        str(NODE_TIMEOUT_MS),
    )


@dataclass
class LocalCluster:
    """The nodes of a local cluster; `ports` lists the masters first, in slot order."""

    ports: list[int]
    masters: int
    processes: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def replica_ports(self) -> list[int]:
        return self.ports[self.masters :]

    def kill(self, port: int) -> None:
        """SIGKILL one node: a host that dies, with no chance to hand anything over."""
        process = self.processes[port]
        process.kill()
        process.wait(timeout=10)

    def master_of(self, port: int) -> int | None:
        """The port of the master `port` replicates, None when `port` is a master itself."""
        client = redis.Redis(host="127.0.0.1", port=port)
        try:
            info = client.info("replication")
        finally:
            client.close()
        return None if info["role"] == "master" else int(info["master_port"])


@contextmanager
def redis_cluster(folder: Path, masters: int = 3, replicas: int = 0) -> Iterator[LocalCluster]:
    """`masters` nodes sharing the slots evenly, and `replicas` replicas of each master."""
    binary = redis_server_binary()
    ports: list[int] = []
    for _ in range(masters * (1 + replicas)):
        ports.append(_free_port(ports))
    cluster = LocalCluster(ports, masters)
    for port in ports:
        cluster.processes[port] = _node(binary, folder, port)
    try:
        clients = [redis.Redis(host="127.0.0.1", port=port) for port in ports]
        _wait(lambda: all(_pings(client) for client in clients))
        per_node = SLOTS // masters
        for index, client in enumerate(clients[:masters]):
            first = index * per_node
            last = SLOTS if index == masters - 1 else first + per_node
            client.execute_command("CLUSTER ADDSLOTS", *range(first, last))
        for client in clients[1:]:
            client.execute_command("CLUSTER MEET", "127.0.0.1", ports[0])
        _wait(lambda: all(len(client.execute_command("CLUSTER NODES")) == len(ports) for client in clients))
        ids = [client.execute_command("CLUSTER MYID") for client in clients[:masters]]
        for index, client in enumerate(clients[masters:]):
            client.execute_command("CLUSTER REPLICATE", text(ids[index % masters]))
        _wait(
            lambda: all(client.execute_command("CLUSTER INFO")["cluster_state"] == "ok" for client in clients)
        )
        _wait(lambda: all(cluster.master_of(port) is not None for port in cluster.replica_ports))
        _wait(lambda: all(_in_sync(client) for client in clients[masters:]))
        for client in clients:
            client.close()
        yield cluster
    finally:
        for process in cluster.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in cluster.processes.values():
            process.wait(timeout=10)


def _in_sync(replica: redis.Redis) -> bool:
    info = replica.info("replication")
    return bool(info.get("master_link_status") == "up")


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
    process = _server(binary, folder / f"single-{port}", port, *args)
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        _wait(lambda: _pings(client))
        client.close()
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
