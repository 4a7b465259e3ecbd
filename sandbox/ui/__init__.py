"""The operator's dashboard ``/sandbox/ui`` (DESIGN §5): server-rendered pages over the control functions."""

from __future__ import annotations

from flask import Flask

from sandbox.ui import views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
