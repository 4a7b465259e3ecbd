"""The connection itself: closing it on the client (a TCP RST or a FIN), and HTTP status lines.

Under gunicorn (``environ["gunicorn.socket"]``) and Werkzeug's dev server the socket is closed by
swapping a spare socket into its file descriptor (``dup2``), so the server's own later close touches
only the spare; the fault layer then raises ``ConnectionResetError``, which both servers treat as a
dropped client. Under Flask's test client there is no socket, and the exception reaches the caller.
"""

from __future__ import annotations

import errno
import os
import socket
import struct
from http import HTTPStatus
from typing import Any


def client_socket(environ: dict[str, Any]) -> socket.socket | None:
    """The client's socket, when the server hands it over (None under Flask's test client)."""
    return environ.get("gunicorn.socket") or environ.get("werkzeug.socket")


def drop(environ: dict[str, Any], *, abort: bool) -> ConnectionResetError:
    """Close the client connection now: a TCP RST when ``abort``, else a plain FIN.

    Returns the exception to raise, which the servers take for a client that went away.
    """
    sock = client_socket(environ)
    if sock is not None:
        if abort:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        # The spare is one end of a socket pair whose other end is closed at once: whatever the server
        # still does with the descriptor (flush, shutdown, close) finds a connected, finished socket.
        spare, other = socket.socketpair()
        try:
            os.dup2(spare.fileno(), sock.fileno())  # the last reference to the connection goes: it closes
        finally:
            spare.close()
            other.close()
    return ConnectionResetError(errno.ECONNRESET, "fault: connection closed by the sandbox")


def status_line(status: int) -> str:
    """``"503 Service Unavailable"``; a status without a standard phrase gets ``Error``."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Error"
