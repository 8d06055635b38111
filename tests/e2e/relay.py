"""A TCP relay a test can cut: the dropped network between a browser and the gateway.

Chromium's offline emulation stops new requests but leaves an open WebSocket alone, so a test
that needs the connection really gone puts this relay in the path and cuts it.
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
                upstream = socket.create_connection(self.target)
                self.open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if not self.frozen:
                    sink.sendall(data)
        except OSError:
            pass  # the other direction or `cut` closed the pair: the copy simply ends
        finally:
            for sock in (source, sink):
                sock.close()
