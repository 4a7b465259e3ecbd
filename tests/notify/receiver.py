"""A tiny real HTTP receiver on loopback for notification tests: it records what arrives and answers
as told (a status, or hanging for a while)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """``url`` takes POSTs; ``received`` lists each as {headers, body}; ``status`` sets the answer and
    ``hang`` (an event) holds every answer until it is set."""

    def __init__(self, status: int = 200, hang: threading.Event | None = None) -> None:
        self.status, self.hang, self.received = status, hang, []
        self.arrived = threading.Event()
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with owner.lock:
                    owner.received.append(
                        {"headers": dict(self.headers), "body": json.loads(body), "raw": body}
                    )
                owner.arrived.set()
                if owner.hang is not None:
                    owner.hang.wait(30)  # a receiver that hangs until the test releases it
                answer = b'{"ok": true}'
                try:
                    self.send_response(owner.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self) -> list[str]:
        with self.lock:
            return [r["body"]["messageId"] for r in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
