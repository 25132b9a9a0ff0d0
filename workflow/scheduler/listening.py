"""Taking the HTTP port before the service starts, and refusing in one line when it cannot."""

from __future__ import annotations

import errno
import socket
from ipaddress import IPv6Address, ip_address

from states.errors import ConvflowError

__all__ = ["HostNotLocal", "PortTaken", "beyond_loopback", "bind_http"]


class PortTaken(ConvflowError):
    """The dashboard's address is already in use (another service, another program)."""

    def __init__(self, host: str, port: int, reason: str | None = None) -> None:
        self.host, self.port = host, port
        if reason is None:
            super().__init__("port_in_use", host=host, port=port)
        else:
            super().__init__("port_unavailable", host=host, port=port, reason=reason)


class HostNotLocal(ConvflowError):
    """The dashboard's host is neither a known name nor an address of this machine."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        super().__init__("http_host_not_local", host=host, port=port)


def bind_http(host: str, port: int) -> socket.socket:
    """A listening socket on `host:port`, as uvicorn would open it; PortTaken when the port
    cannot be had, HostNotLocal when the host is not this machine's."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        # An unknown name (gaierror) or another machine's address: the host is wrong, not
        # the port, and the operator is told which setting to change.
        if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
            raise HostNotLocal(host, port) from None
        if error.errno == errno.EADDRINUSE:
            raise PortTaken(host, port) from None
        raise PortTaken(host, port, error.strerror or str(error)) from None
    sock.set_inheritable(True)
    return sock


def beyond_loopback(host: str) -> bool:
    """Whether listening on `host` (CONVFLOW_HTTP_HOST) lets other machines reach the port.

    Read from the setting's value: an address is judged as it is written (127.0.0.0/8, ::1 and
    ::ffff:127.x stay on this machine; 0.0.0.0, ::, "" and this machine's own addresses do
    not); of names, only `localhost` is resolved, and any other name is taken as reaching
    beyond, since it names an address other machines use.
    """
    text = host.strip()
    if text.lower() == "localhost":
        try:
            found = socket.getaddrinfo(text, None, proto=socket.IPPROTO_TCP)
        except OSError:  # `localhost` unknown: nothing listens at all (`bind_http` says so)
            return False
        return not all(_loopback(str(info[4][0])) for info in found)
    try:
        return not _loopback(text)
    except ValueError:
        return True  # a name (or "", every address): reachable from elsewhere


def _loopback(address: str) -> bool:
    parsed = ip_address(address)
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped.is_loopback
    return parsed.is_loopback
