"""How the CLI reaches the control API: over HTTP (``--url``) or in-process on the local database.

In-process calls go through the same Flask views as HTTP ones (Flask's test client), so the CLI
behaves the same whether or not a server is running: state lives only in the SQLite file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import requests

from sandbox.http.control.auth import HEADER, ensure_admin_key, key_path


class ControlClient:
    def __init__(self, *, db: str, url: str | None = None, key: str | None = None) -> None:
        self.db, self.url = db, url.rstrip("/") if url else None
        self._key, self._app = key, None

    @property
    def key(self) -> str:
        if self._key is None:
            if self.url and not key_path(self.db).exists():
                raise click.ClickException(
                    f"no admin key: pass --key or set WEB21_SANDBOX_KEY (looked in {key_path(self.db)})"
                )
            self._key = ensure_admin_key(self.db)
        return self._key

    def app(self) -> Any:
        if self._app is None:
            from sandbox.app import create_app

            self._app = create_app({"DATABASE": self.db, "ADMIN_KEY": self.key})
        return self._app

    def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, params: dict[str, Any] | None = None
    ) -> Any:
        """Call ``/sandbox/v1{path}``; return the JSON answer or raise ``ClickException`` with the error."""
        headers = {HEADER: self.key}
        if self.url:
            try:
                response = requests.request(
                    method,
                    f"{self.url}/sandbox/v1{path}",
                    json=body,
                    params=params,
                    headers=headers,
                    timeout=60,
                )
            except requests.ConnectionError as exc:
                raise click.ClickException(
                    f"cannot reach the sandbox at {self.url}: is it running? ({exc.__class__.__name__})"
                ) from exc
            status, data = response.status_code, _json(response.text)
        else:
            with self.app().test_client() as client:
                response = client.open(
                    f"/sandbox/v1{path}", method=method, json=body, query_string=params, headers=headers
                )
                status, data = response.status_code, response.get_json(silent=True)
        if status >= 400:
            raise click.ClickException(_describe_error(status, data))
        return data


def _json(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except ValueError:
        return {"errorCode": "not_json", "errorMessage": text[:200]}


def _describe_error(status: int, data: Any) -> str:
    if not isinstance(data, dict):
        return f"HTTP {status}"
    details = "; ".join(d.get("errorDetailsMessage", "") for d in data.get("errorDetails", []))
    return f"{data.get('errorCode', status)}: {details or data.get('errorMessage', '')}"


def default_db() -> str:
    import os

    return os.environ.get("WEB21_SANDBOX_DATABASE", str(Path("var/sandbox.db")))
