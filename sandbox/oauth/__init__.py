"""Server-connection OAuth (§5): clients, consent screen, grants and tokens on the contract clock.

``init_app`` configures the authorization server and registers the consent pages, the token,
revocation, introspection and metadata endpoints, and the OAuth part of the control API.
"""

from __future__ import annotations

from flask import Flask

from sandbox.http.auth import endpoints, views
from sandbox.http.control import oauth as control
from sandbox.oauth import server  # noqa: F401  (seed registers its hook)
from sandbox.seeding import clients as seed


def init_app(app: Flask) -> None:
    server.init_app(app)
    app.register_blueprint(endpoints.bp)
    app.register_blueprint(control.bp)
    app.register_blueprint(views.bp)
