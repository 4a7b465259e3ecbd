"""A request and its real answer for every operation of the API, for ``/docs`` and ``/openapi.json``.

``make docs`` (``python -m sandbox.cli.api_examples``) plays a tour of the demo world — a fresh one at
2026-11-27 10:00 JST, clocks frozen, seed 21 — through the app in-process, and writes the first successful
exchange of each operation to ``sandbox/http/api/examples.yaml``: method, path with its query, the JSON or form
body, the status and the JSON answer (a 全銀 file, sent or answered, as its first records decoded from Shift_JIS). Values that differ from run to run (tokens, codes, keys, wall times,
latencies) are replaced by a placeholder naming what they are, so a run that changes nothing writes the same file.
"""

from __future__ import annotations

import re
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml

from sandbox.clock import JST
from sandbox.http.api import docs

OUT = Path(__file__).resolve().parents[1] / "http" / "api" / "examples.yaml"
START = datetime(2026, 11, 27, 10, 0, tzinfo=JST)
ADMIN = "admin-key-of-the-docs-examples"
VOLATILE = {  # field → what it is (its value changes from run to run)
    "access_token": "<access token>",
    "refresh_token": "<refresh token>",
    "code": "<authorization code>",
    "token": "<token>",
    "key": "<contract key>",
    "contractKey": "<contract key>",
    "wallAt": "<wall-clock time>",
    "endedAt": "<wall-clock time>",
    "latencyMs": 1.5,
}


FILE_HEADERS = ("Content-Type", "Content-Disposition", "X-Base-Date", "X-Base-Time")
FILE_RECORDS = 4  # records of a 全銀 file shown; the rest counted


def zengin_text(data: bytes) -> str:
    """A 全銀 file (Shift_JIS, one record a line) as text: its first records, then how many more there are."""
    records = data.decode("cp932").rstrip("\r\n\x1a").split("\r\n")
    shown = records[:FILE_RECORDS]
    more = len(records) - len(shown)
    return "\n".join(shown + ([f"… {more} more records (each CRLF-terminated, Shift_JIS)"] if more else []))


class Recorder:
    """The app's test client, keeping the first 2xx/3xx exchange of each operation."""

    def __init__(self, client: Any) -> None:
        self.client, self.found = client, {}
        self.operations = _operations()

    def __call__(
        self,
        method: str,
        path: str,
        *,
        query: dict | None = None,
        volatile: dict | None = None,
        **kwargs: Any,
    ) -> Any:
        """Call the app; ``volatile`` names more fields this answer draws at random (a new client's ID)."""
        target = f"{path}?{urlencode(query)}" if query else path
        answer = self.client.open(target, method=method, **kwargs)
        op = self.match(method, path)
        if op and op not in self.found and answer.status_code < 400:
            self.found[op] = _exchange(method, target, kwargs, answer, volatile or {})
        return answer.get_json(silent=True) if answer.is_json else answer

    def match(self, method: str, path: str) -> str | None:
        for (verb, pattern), op in self.operations.items():
            if verb == method.lower() and pattern.fullmatch(path):
                return op
        return None


def _operations() -> dict[tuple[str, re.Pattern[str]], str]:
    found = {}
    for path, item in docs.document()["paths"].items():
        pattern = re.compile(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)))
        for method in docs.METHODS:
            if method in item:
                found[(method, pattern)] = item[method].get("operationId") or f"{method} {path}"
    return found


def _exchange(
    method: str, target: str, kwargs: dict[str, Any], answer: Any, volatile: dict[str, Any]
) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "path": target}
    if "json" in kwargs:
        request["json"] = _stable(kwargs["json"])
    if isinstance(kwargs.get("data"), bytes):  # a 全銀 file uploaded as it is
        request["file"] = zengin_text(kwargs["data"])
    elif "data" in kwargs:
        request["form"] = _stable(kwargs["data"])
    if "auth" in kwargs:
        request["auth"] = "HTTP Basic: client ID and client password"
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items() if k != "X-Sandbox-Key"}
    if "Authorization" in headers:
        headers["Authorization"] = "Bearer <access token>"
    if headers:
        request["headers"] = headers
    response: dict[str, Any] = {"status": answer.status_code}
    if answer.is_json:
        response["json"] = _stable(answer.get_json(), volatile=volatile)
    elif answer.mimetype == "text/plain":  # a 全銀 file: its headers and first records, decoded
        response["headers"] = {k: answer.headers[k] for k in FILE_HEADERS if k in answer.headers}
        response["file"] = zengin_text(answer.data)
    elif "Location" in answer.headers:
        response["headers"] = {
            "Location": re.sub(r"code=[^&]+", "code=<authorization code>", answer.headers["Location"])
        }
    return {"request": request, "response": response}


def _stable(value: Any, key: str = "", volatile: dict[str, Any] | None = None) -> Any:
    """``value`` with what changes from run to run replaced by what it is (lists cut to three entries)."""
    named = {**VOLATILE, **(volatile or {})}
    if key in named and value is not None:
        return named[key]
    if isinstance(value, dict):
        return {k: _stable(v, k, volatile) for k, v in value.items()}
    if isinstance(value, list):
        return [_stable(v, "", volatile) for v in value[:3]]
    if key == "encryptedBeneficiary" and isinstance(value, str):  # the header is fixed, the rest drawn afresh
        return value.split(".", 1)[0] + "..random-iv.sealed-beneficiary-fields.auth-tag"
    if isinstance(value, str) and "code=" in value:
        return re.sub(r"code=[^&]+", "code=<authorization code>", value)
    if isinstance(value, str) and re.fullmatch(r"cli-[0-9a-f]{20}", value):
        return "<Idempotency-Key>"
    return value


def generate() -> dict[str, Any]:
    """Play the tour on a fresh demo world in a temporary folder; the examples by operationId."""
    from sandbox import create_app
    from sandbox.cli import api_tour
    from sandbox.seeding import worlds
    from sandbox.store import connect

    with tempfile.TemporaryDirectory(prefix="web21-api-examples-") as folder:
        path = Path(folder) / "sandbox.db"
        app = create_app({"DATABASE": str(path), "ADMIN_KEY": ADMIN, "TESTING": True})
        db = connect(path)
        with app.app_context():
            worlds.reset(db, "demo", 21, START, frozen=True, use_template=False)
        db.conn.close()
        record = Recorder(app.test_client())
        api_tour.tour(record, ADMIN)
        order = list(record.operations.values())
        return {op: record.found[op] for op in order if op in record.found}


def main() -> int:
    found = generate()
    text = yaml.safe_dump(found, allow_unicode=True, sort_keys=False, width=110)
    OUT.write_text(
        "# Generated by `make docs` (python -m sandbox.cli.api_examples) from a tour of the demo world:\n"
        "# a request and its real answer for each operation. Do not edit by hand.\n" + text,
        encoding="utf-8",
    )
    missing = [op for op in _operations().values() if op not in found]
    print(f"{len(found)} operations with an example; without one: {', '.join(missing) or 'none'}")
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
