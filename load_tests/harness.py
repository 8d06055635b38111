"""What the benchmarks and the load tests share: a real server process and a few helpers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Server:
    def __init__(self, environ: dict[str, str], workers: int, log_dir: Path | None = None) -> None:
        self.port, self.ws_port = free_port(), free_port()
        folder = log_dir or Path(environ["DATA_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        self.log = open(folder / f"server-{self.port}.log", "w")  # noqa: SIM115  (closed in stop)
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "web.cli",
                "serve",
                "--port",
                str(self.port),
                "--ws-port",
                str(self.ws_port),
                "--workers",
                str(workers),
            ],
            env=environ,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the server did not start")
        time.sleep(0.5 * workers)  # every worker's gateway listening

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}/ws"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()
