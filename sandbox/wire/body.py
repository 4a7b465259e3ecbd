"""Reading a request body before the application runs (the fault layer's digest, and no slow body held
inside the workers' computing slots: ``middleware.FaultLayer.computing``)."""

from __future__ import annotations

import io
from typing import Any


def read_body(environ: dict[str, Any], limit: int) -> bytes:
    """Read the body once and hand the application a fresh copy in ``wsgi.input``.

    Only a declared length up to ``limit`` (``MAX_CONTENT_LENGTH``, set by create_app from MAX_BODY), or a
    chunked body the server has already delimited, is read: a bare socket stream (Werkzeug's dev server)
    would block until the client hangs up, and a larger body is refused 413 by the application unread.
    """
    length = environ.get("CONTENT_LENGTH") or ""
    declared = int(length) if length.isascii() and length.isdigit() else None
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if declared is not None and declared > limit:
        return b""
    if declared is None and not (chunked and environ.get("wsgi.input_terminated")):
        return b""
    body = environ["wsgi.input"].read(declared if declared is not None else limit + 1)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body
