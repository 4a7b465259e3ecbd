"""Authlib's view of an HTTP request: the live Flask request, or an authorization request the consent
session kept. The server (``server.py``) builds every OAuth2 request through these two classes.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.flask_oauth2.requests import FlaskOAuth2Payload
from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from flask import Request


def _as_checked(uri: str) -> str:
    """The URI shown to Authlib's transport check, which refuses plain HTTP except on loopback.

    The sandbox serves plain HTTP on purpose (workshop containers on a LAN address), so the check sees
    the HTTPS form of the URI and the request keeps the URI as received. This replaces the
    process-wide ``AUTHLIB_INSECURE_TRANSPORT`` switch: only this server's requests are concerned.
    """
    return "https://" + uri.removeprefix("http://") if uri.startswith("http://") else uri


class LiveRequest(OAuth2Request):
    """The current Flask request, as Authlib's ``FlaskOAuth2Request`` reads it, over plain HTTP too."""

    def __init__(self, req: Request) -> None:
        super().__init__(req.method, _as_checked(req.url), headers=req.headers)
        self.uri = req.url
        self.payload = FlaskOAuth2Payload(req)
        self.flask_request = req

    @property
    def args(self) -> Any:
        return self.flask_request.args

    @property
    def form(self) -> Any:
        return self.flask_request.form


class StoredRequest(OAuth2Request):
    """An authorization request kept by the consent session, finished after the user's decision."""

    def __init__(self, uri: str, params: dict[str, str]) -> None:
        super().__init__("GET", _as_checked(uri), headers={})
        self.uri = uri
        self.payload = BasicOAuth2Payload(dict(params))
        self._params = dict(params)

    @property
    def args(self) -> dict[str, str]:
        return self._params

    @property
    def form(self) -> dict[str, str]:
        return {}
