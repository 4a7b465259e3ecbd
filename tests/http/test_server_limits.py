"""Issue 13 item 3: what gunicorn refuses before the app, checked on a real socket against the README's table."""

from __future__ import annotations

import socket

from tests.conftest import ROOT

CLOSE = b"Host: x\r\nConnection: close\r\n"
CASES = {
    "request line (method, path and query) over 4,094 bytes": (
        b"GET /healthz?" + b"a" * 4090 + b" HTTP/1.1\r\n" + CLOSE + b"\r\n",
        "414 URI Too Long",
    ),
    "one header line over 8,190 bytes": (
        b"GET /healthz HTTP/1.1\r\n" + CLOSE + b"X-A: " + b"a" * 8200 + b"\r\n\r\n",
        "431 Request Header Fields Too Large",
    ),
    "more than 100 header fields": (
        b"GET /healthz HTTP/1.1\r\n" + CLOSE + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n",
        "431 Request Header Fields Too Large",
    ),
    "bytes that are not UTF-8 in the path": (
        b"GET /sandbox/v1/\xff HTTP/1.1\r\n" + CLOSE + b"\r\n",
        "400 Bad Request",
    ),
    "lines ended by a bare LF instead of CRLF": (
        b"GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n",
        "400 Bad Request",
    ),
    "two `Content-Length` headers": (
        b"POST /auth/v1/token HTTP/1.1\r\n" + CLOSE + b"Content-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "400 Bad Request",
    ),
    "both `Content-Length` and `Transfer-Encoding`": (
        b"POST /auth/v1/token HTTP/1.1\r\n"
        + CLOSE
        + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "400 Bad Request",
    ),
}


def status_line(url: str, data: bytes) -> str:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        answer = b""
        while b"\r\n" not in answer and (chunk := sock.recv(4096)):
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


def test_the_readme_says_what_gunicorn_answers_to_malformed_requests(live_server):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for case, (data, expected) in CASES.items():
        assert f"| {case} | {expected} |" in readme, case
        assert status_line(live_server.url, data) == f"HTTP/1.1 {expected}", case
