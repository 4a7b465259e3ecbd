"""The application factory: configuration, then each subsystem's ``init_app``, then blueprints."""

from __future__ import annotations

from typing import Any

from flask import Flask

from sandbox import config, errors, oauth, store
from sandbox.http import web
from sandbox.http.api import accounts as api_accounts
from sandbox.http.api import docs as api_docs
from sandbox.http.api import transfers as api_transfers
from sandbox.http.control import init_app as init_control
from sandbox.http.control.faults import init_app as init_faults
from sandbox.http.ui import init_app as init_ui


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the sandbox app. ``overrides`` replace config keys (``DATABASE``, ``ADMIN_KEY``...)."""
    app = Flask(__name__)
    app.config.update(config.from_env(overrides))
    app.config.setdefault("MAX_CONTENT_LENGTH", 1024 * 1024)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.json.mimetype = "application/json;charset=UTF-8"  # DESIGN §4
    web.init_app(app)  # first: route converters must be in place before any blueprint adds its rules
    errors.init_app(app)
    store.init_app(app)
    init_control(app)
    oauth.init_app(app)
    api_accounts.init_app(app)
    api_docs.init_app(app)
    api_transfers.init_app(app)
    init_ui(app)
    init_faults(app)  # last: its WSGI middleware must wrap everything
    return app
