"""The sandbox control surface ``/sandbox/v1`` (DESIGN §5)."""

from __future__ import annotations

from flask import Flask

from sandbox.control import auth, provision, views  # noqa: F401  (provision adds routes to views.bp)


def init_app(app: Flask) -> None:
    auth.init_app(app)
    app.register_blueprint(views.bp)
    app.add_url_rule("/healthz", "healthz", views.healthz)
