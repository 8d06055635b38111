"""A lean HTTP/1.1 client for open-loop benchmarks: keep-alive connections over asyncio streams,
one request at a time on each, GET only. httpx spends about 6 ms of CPU a request here, so at a
few hundred requests a second the load generator, not the server, is what a benchmark would
measure; this costs a fraction of that (the server is a real uvicorn: Content-Length always set).
"""

from __future__ import annotations

import asyncio
from collections import deque
from urllib.parse import urlencode


class RawHttp:
    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.head = f"Host: {host}:{port}\r\n{extra}\r\n"
        # Oldest idle first: requests go round every connection, so SO_REUSEPORT's spread of
        # the connections over the workers is the spread of the load.
        self.idle: deque[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = deque()

    async def open(self, connections: int) -> None:
        """Open connections ahead, as many clients would hold them."""
        for _ in range(connections):
            self.idle.append(await asyncio.open_connection(self.host, self.port))

    async def get(self, path: str, params: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Status and body; a connection goes back to the pool after a whole response. An idle
        connection the server has closed meanwhile (its keep-alive ran out) is replaced once."""
        target = f"{path}?{urlencode(params)}" if params else path
        request = f"GET {target} HTTP/1.1\r\n{self.head}".encode()
        reader, writer = (
            self.idle.popleft() if self.idle else await asyncio.open_connection(self.host, self.port)
        )
        writer.write(request)
        status_line = await reader.readline()
        if not status_line:
            writer.close()
            reader, writer = await asyncio.open_connection(self.host, self.port)
            writer.write(request)
            status_line = await reader.readline()
        length, close = 0, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        body = await reader.readexactly(length)
        if close:
            writer.close()
        else:
            self.idle.append((reader, writer))
        return int(status_line.split()[1]), body

    async def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()
