"""A TCP relay a test can cut: the dropped network between a browser and the gateway.

Chromium's offline emulation stops new requests but leaves an open WebSocket alone, so a test
that needs the connection really gone puts this relay in the path and cuts it. It can also
stall: stop taking what the gateway sends, as a page too slow to read would.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class Relay:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.target: tuple[str, int] | None = None
        self.up = True
        self.frozen = False  # sockets stay open but carry nothing: a silent network
        self.flowing = threading.Event()  # cleared: what the gateway sends is not read
        self.flowing.set()
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """Drop every connection and refuse new ones until `restore`."""
        with self.lock:
            self.up = False
            for sock in self.open:
                # shutdown, not just close: another thread is blocked in recv on it. An
                # OSError here means the peer had already closed it.
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.open.clear()

    def freeze(self) -> None:
        """Keep every connection open but let nothing through, and refuse new ones: the
        network that drops without a word, which only a heartbeat notices."""
        with self.lock:
            self.up, self.frozen = False, True

    def stall(self) -> None:
        """Stop reading what the gateway sends (nothing is lost): it piles up in the gateway's
        buffers while the connection stays open, as for a page too slow to take its events."""
        self.flowing.clear()

    def flow(self) -> None:
        self.flowing.set()

    def restore(self) -> None:
        with self.lock:
            self.up, self.frozen = True, False

    def close(self) -> None:
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # the listener was closed
            with self.lock:
                if not self.up or self.target is None:
                    client.close()
                    continue
                upstream = socket.socket()
                # A small receive window: a stall backs up into the gateway after a few KiB
                # instead of filling megabytes of loopback buffers first.
                upstream.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                upstream.connect(self.target)
                self.open |= {client, upstream}
            for source, sink, gate in ((client, upstream, None), (upstream, client, self.flowing)):
                threading.Thread(target=self._pipe, args=(source, sink, gate), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, gate: threading.Event | None) -> None:
        try:
            while (gate is None or gate.wait()) and (data := source.recv(4096 if gate else 65536)):
                if not self.frozen:
                    sink.sendall(data)
        except OSError:
            pass  # the other direction or `cut` closed the pair: the copy simply ends
        finally:
            for sock in (source, sink):
                sock.close()
