"""The application factory: it only wires. Configuration, then each subsystem's ``init_app``, then every
blueprint in one written-out list, then the fault layer around the whole WSGI app.

A request goes: ``wire`` (fault middleware → identify → request log) → a thin view in ``http`` → one
domain function (``bank``, ``oauth``, ``incidents``) → ``store``. See ``docs/architecture.md``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from sandbox import config, errors, store
from sandbox.http import web
from sandbox.http.api import accounts as api_accounts
from sandbox.http.api import bulk as api_bulk
from sandbox.http.api import docs as api_docs
from sandbox.http.api import transfers as api_transfers
from sandbox.http.api import zengin as api_zengin
from sandbox.http.auth import endpoints as auth_endpoints
from sandbox.http.auth import views as auth_views
from sandbox.http.control import auth as control_auth
from sandbox.http.control import faults as control_faults
from sandbox.http.control import health as control_health
from sandbox.http.control import oauth as control_oauth
from sandbox.http.control import routes as control_routes
from sandbox.http.control import transfers as control_transfers
from sandbox.http.control import zengin as control_zengin
from sandbox.http.ui import common as ui_common
from sandbox.http.ui import routes as ui_routes
from sandbox.oauth import server as oauth_server
from sandbox.wire import middleware

# Every blueprint with the URL prefix it is registered under, in one place. "" where the blueprint's rules
# carry their whole path (the OAuth endpoints live under both /auth/v1 and /.well-known).
BLUEPRINTS: list[tuple[Blueprint, str]] = [
    (api_accounts.bp, "/corporation/v1"),  # accounts, balances, statements
    (api_transfers.bp, "/corporation/v1"),  # transfers and approval
    (api_bulk.bp, "/corporation/v1"),  # bulk transfers (総合振込/給与振込) and their approval
    (api_zengin.bp, "/corporation/v1"),  # 全銀 files: 入出金取引明細 (03), 振込入金通知 (01), 総合振込 result
    (api_docs.bp, ""),  # /openapi.json and the offline /docs page
    (auth_endpoints.bp, ""),  # /auth/v1: token, revoke, introspect; /.well-known metadata
    (auth_views.bp, ""),  # /auth/v1/authorization: the consent pages
    (control_routes.bp, "/sandbox/v1"),  # health, reset, contracts, keys, settings, clock, deposits
    (control_oauth.bp, "/sandbox/v1"),  # clients, headless consent, grants, privileges
    (control_transfers.bp, "/sandbox/v1"),  # transfers as the bank sees them
    (control_zengin.bp, "/sandbox/v1"),  # 全銀 files: upload, sample, 03/01 downloads, bulk result
    (control_faults.bp, "/sandbox/v1"),  # fault rules, incidents, request log, timeline
    (ui_routes.bp, "/sandbox/ui"),  # the dashboard
]


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the sandbox app. ``overrides`` replace config keys (``DATABASE``, ``ADMIN_KEY``...)."""
    app = Flask(__name__)
    app.config.update(config.from_env(overrides))
    # Flask's defaults already hold MAX_CONTENT_LENGTH (None), so it is set, not defaulted
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY"]
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.json.mimetype = "application/json;charset=UTF-8"  # DESIGN §4
    web.init_app(app)  # first: route converters must be in place before any blueprint adds its rules
    errors.init_app(app)
    store.init_app(app)
    control_auth.init_app(app)
    oauth_server.init_app(app)
    for blueprint, prefix in BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix=prefix or None)
    app.add_url_rule("/healthz", "healthz", control_health.healthz)
    app.add_url_rule("/favicon.ico", "favicon", ui_common.favicon)
    middleware.init_app(app)  # last: the fault layer wraps everything
    return app
