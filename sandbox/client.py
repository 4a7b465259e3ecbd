"""How the CLI and the scenario runner reach the sandbox: over HTTP (``--url``) or in-process.

The control API (``/sandbox/v1``, :meth:`ControlClient.call`), the token endpoint (:meth:`~ControlClient.token`)
and the banking API (``/corporation/v1``, :meth:`~ControlClient.api`, for commands that act as a client would).

In-process calls go through the same Flask views as HTTP ones (Flask's test client), so the CLI
behaves the same whether or not a server is running: state lives only in the SQLite file. It sits
above :mod:`sandbox.app` (it builds the app for in-process calls) and below the CLI and scenarios.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import requests

from sandbox.http.control.auth import HEADER, ensure_admin_key, key_path


class ControlError(Exception):
    """The control API refused a call, or could not be reached (``status`` is then None).

    ``str()`` is what a person reads: ``code: message``, or the message alone without a code.
    """

    def __init__(self, status: int | None, code: str | None, message: str) -> None:
        super().__init__(f"{code}: {message}" if code is not None else message)
        self.status, self.code, self.message = status, code, message


class NoAnswer(ControlError):
    """The request was sent but no answer came back (reset, timeout): it may or may not have been processed."""


class ControlClient:
    """One sandbox's control API (``/sandbox/v1``) with its admin or contract key."""

    def __init__(self, *, db: str, url: str | None = None, key: str | None = None) -> None:
        self.db, self.url = db, url.rstrip("/") if url else None
        self.given_key, self._key, self._app = key, key, None

    @property
    def key(self) -> str:
        """The key sent as X-Sandbox-Key: the given one, else the admin key beside the database."""
        if self._key is None:
            if self.url and not key_path(self.db).exists():
                raise ControlError(
                    None,
                    None,
                    f"no admin key: pass --key or set WEB21_SANDBOX_KEY (looked in {key_path(self.db)})",
                )
            self._key = ensure_admin_key(self.db)
        return self._key

    def app(self) -> Any:
        """The Flask app over the local database, built at the first in-process call."""
        if self._app is None:
            # Imported here: the whole app loads only for in-process calls (``--url`` and ``--help`` stay fast).
            from sandbox.app import create_app

            self._app = create_app({"DATABASE": self.db, "ADMIN_KEY": self.key})
        return self._app

    def call(
        self, method: str, path: str, body: dict[str, Any] | None = None, params: dict[str, Any] | None = None
    ) -> Any:
        """Call ``/sandbox/v1{path}``; return the JSON answer or raise :class:`ControlError`."""
        headers = {HEADER: self.key}
        if self.url:
            response = self._http(method, f"/sandbox/v1{path}", json=body, params=params, headers=headers)
            status, data = response.status_code, _json(response.text)
            if data is None and response.text:  # an HTML page, a proxy: one line, not the page
                raise ControlError(
                    status,
                    "not_a_sandbox",
                    f"{self.url} answered HTTP {status} without JSON: is it a web21-sandbox?",
                )
        else:
            with self.app().test_client() as client:
                response = client.open(
                    f"/sandbox/v1{path}", method=method, json=body, query_string=params, headers=headers
                )
                status, data = response.status_code, response.get_json(silent=True)
        if status >= 400:
            raise _error(status, data, self.key_source if status == 401 else None)
        return data

    def raw(
        self, method: str, path: str, *, data: bytes | None = None, params: dict[str, Any] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        """Call ``/sandbox/v1{path}`` with a raw body (a 全銀 file); its status, body and headers."""
        headers = {HEADER: self.key, "Content-Type": "application/octet-stream"}
        if self.url:
            response = self._http(method, f"/sandbox/v1{path}", data=data, params=params, headers=headers)
            return response.status_code, response.content, dict(response.headers)
        with self.app().test_client() as client:
            response = client.open(
                f"/sandbox/v1{path}", method=method, data=data, query_string=params, headers=headers
            )
            return response.status_code, response.data, dict(response.headers)

    @property
    def key_source(self) -> str:
        """Where the key sent came from, for a refusal to say (never the key itself)."""
        if self.given_key is not None:
            return "--key / WEB21_SANDBOX_KEY / WEB21_SANDBOX_ADMIN_KEY"
        return f"the admin key file {key_path(self.db)}"

    def token(self, data: dict[str, str], auth: tuple[str, str]) -> tuple[int, Any]:
        """POST ``/auth/v1/token`` the same way (HTTP or in-process); return its status and JSON."""
        if self.url:
            response = self._http("POST", "/auth/v1/token", data=data, auth=auth)
            return response.status_code, response.json()
        with self.app().test_client() as client:
            response = client.post("/auth/v1/token", data=data, auth=auth)
            return response.status_code, response.get_json()

    def api(
        self,
        method: str,
        path: str,
        token: str,
        *,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """Call the banking API ``/corporation/v1{path}`` with a bearer token; its status and JSON.

        A connection that ends without an answer raises :class:`NoAnswer` (the fault layer's effects).
        """
        sent = {"Authorization": f"Bearer {token}", **(headers or {})}
        if self.url:
            try:
                response = self._http(
                    method, f"/corporation/v1{path}", json=body, params=params, headers=sent
                )
            except (requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                raise NoAnswer(None, None, f"no answer from {self.url} ({exc.__class__.__name__})") from exc
            return response.status_code, _json(response.text)
        try:
            with self.app().test_client() as client:
                response = client.open(
                    f"/corporation/v1{path}", method=method, json=body, query_string=params, headers=sent
                )
                return response.status_code, response.get_json(silent=True)
        except (ConnectionError, TimeoutError) as exc:  # the fault layer, without a socket
            raise NoAnswer(None, None, f"no answer ({exc.__class__.__name__})") from exc

    def _http(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            return requests.request(method, f"{self.url}{path}", timeout=60, **kwargs)
        except requests.ConnectionError as exc:
            if "aborted" in str(exc) or "reset" in str(exc).lower():  # sent, then dropped: not "refused"
                raise NoAnswer(None, None, f"{self.url} closed the connection without an answer") from exc
            raise ControlError(
                None,
                None,
                f"cannot reach the sandbox at {self.url}: is it running? ({exc.__class__.__name__})",
            ) from exc


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _error(status: int, data: Any, key_source: str | None = None) -> ControlError:
    if not isinstance(data, dict):
        return ControlError(status, None, f"HTTP {status}")
    details = "; ".join(d.get("errorDetailsMessage", "") for d in data.get("errorDetails", []))
    message = details or data.get("errorMessage", "")
    if key_source is not None:
        message += f" (the key sent came from {key_source})"
    return ControlError(status, str(data.get("errorCode", status)), message)


def default_db() -> str:
    """The local database: ``WEB21_SANDBOX_DATABASE``, else ``var/sandbox.db``."""
    return os.environ.get("WEB21_SANDBOX_DATABASE", str(Path("var/sandbox.db")))
