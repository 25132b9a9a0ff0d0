"""Taking the HTTP port before the service starts, and refusing in one line when it cannot."""

from __future__ import annotations

import errno
import socket

from states.errors import ConvflowError

__all__ = ["PortTaken", "bind_http"]


class PortTaken(ConvflowError):
    """The dashboard's address is already in use (another service, another program)."""

    def __init__(self, host: str, port: int, reason: str | None = None) -> None:
        self.host, self.port = host, port
        if reason is None:
            super().__init__("port_in_use", host=host, port=port)
        else:
            super().__init__("port_unavailable", host=host, port=port, reason=reason)


def bind_http(host: str, port: int) -> socket.socket:
    """A listening socket on `host:port`, as uvicorn would open it, or PortTaken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise PortTaken(host, port) from None
        raise PortTaken(host, port, error.strerror or str(error)) from None
    sock.set_inheritable(True)
    return sock
