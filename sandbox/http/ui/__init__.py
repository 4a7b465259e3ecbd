"""The operator's dashboard ``/sandbox/ui`` (DESIGN §5): server-rendered pages over the control functions."""

from __future__ import annotations

from flask import Flask

from sandbox.http.ui import panel_faults, panel_oauth, panel_timeline, panel_transfers, views


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
