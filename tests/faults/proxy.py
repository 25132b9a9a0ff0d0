"""A TCP proxy on loopback between convflow and PostgreSQL, that can cut the link and restore it,
or stall it and let it resume.

While cut, every connection through it is closed at once and new ones are closed as soon as
they are accepted: to convflow the database is unreachable, as when its server restarts or a
firewall resets the link. Restored, new connections go through again.

While stalled, nothing is closed and nothing goes through: the links stay open, what is sent
on them is held, new connections are accepted and held too. To convflow the database says
nothing, as a hung server, or a network gone with no reset, would. Resumed, what was held goes
on (and a held connection reaches the server).
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
        self._flowing = threading.Event()  # cleared while stalled
        self._flowing.set()
        self._closing = threading.Event()
        self._lock = threading.Lock()
        self._links: set[socket.socket] = set()
        self.cuts = 0
        self.refused = 0  # connections closed on arrival while the link was cut
        self.stalls = 0
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

    def stall(self) -> None:
        """The database says nothing: the links stay open, nothing goes through them."""
        self.stalls += 1
        self._flowing.clear()

    def resume(self) -> None:
        """What was held goes on."""
        self._flowing.set()

    def close(self) -> None:
        """Stop the proxy and close everything."""
        self._closing.set()
        self.resume()
        self.cut()
        self._listener.close()
        self._thread.join(5)

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            if not self._flowing.is_set():  # held, without a word, until the link resumes
                threading.Thread(target=self._held, args=(client,), daemon=True).start()
                continue
            self._link(client)

    def _held(self, client: socket.socket) -> None:
        self._flowing.wait()
        self._link(client)

    def _link(self, client: socket.socket) -> None:
        """Link a client to the server, or close it at once while the link is cut."""
        if self._cut.is_set():
            self.refused += 1
            _close(client)
            return
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            _close(client)
            return
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
                self._flowing.wait()  # stalled: the chunk is held, the link kept open
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
