"""The sandbox control surface ``/sandbox/v1`` (DESIGN §5)."""

from __future__ import annotations

from flask import Flask

from sandbox.http.control import auth, provision, views


def init_app(app: Flask) -> None:
    auth.init_app(app)
    app.register_blueprint(views.bp)
    app.add_url_rule("/healthz", "healthz", views.healthz)
