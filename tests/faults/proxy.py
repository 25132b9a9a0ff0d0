"""A TCP proxy on loopback between convflow and PostgreSQL, that can cut the link and restore it.

While cut, every connection through it is closed at once and new ones are closed as soon as
they are accepted: to convflow the database is unreachable, as when its server restarts or a
firewall resets the link. Restored, new connections go through again.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class CuttableProxy:
    """Forwards 127.0.0.1:`port` to 127.0.0.1:`upstream_port`, one thread per direction."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._cut = threading.Event()
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._links: set[socket.socket] = set()
        self.cuts = 0
        self.refused = 0  # connections closed on arrival while the link was cut
        self._thread = threading.Thread(target=self._accept, name="pg-proxy", daemon=True)
        self._thread.start()

    def cut(self) -> None:
        """The database becomes unreachable: live connections are reset, new ones refused."""
        self._cut.set()
        self.cuts += 1
        with self._lock:
            links, self._links = self._links, set()
        for link in links:
            _close(link)

    def restore(self) -> None:
        """The database is reachable again (for new connections)."""
        self._cut.clear()

    def close(self) -> None:
        """Stop the proxy and close everything."""
        self._closing.set()
        self.cut()
        self._listener.close()
        self._thread.join(5)

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            if self._cut.is_set():
                self.refused += 1
                _close(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                self._links.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(
                    target=self._pump, args=(source, target), name="pg-proxy-pump", daemon=True
                ).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
        except OSError:
            pass  # one side closed, or the link was cut
        finally:
            with self._lock:
                self._links.discard(source)
                self._links.discard(target)
            _close(source)
            _close(target)


def _close(link: socket.socket) -> None:
    """Close a socket now; shutdown first, so a thread blocked reading it wakes up."""
    with contextlib.suppress(OSError):
        link.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        link.close()
