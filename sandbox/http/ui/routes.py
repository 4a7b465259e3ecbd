"""The dashboard's blueprint (``ui``) and its routes, written out: rule → view. Its prefix (``/sandbox/ui``)
is given where ``create_app`` registers it. Endpoints are ``ui.<view name>``, as the templates' ``url_for`` use.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint

from sandbox.errors import BankError
from sandbox.http.ui import (
    common,
    helpers,
    localize,
    panel_faults,
    panel_oauth,
    panel_timeline,
    panel_transfers,
    panel_zengin,
    views,
)

GET, POST = ["GET"], ["POST"]
# (rule, methods, view)
ROUTES: list[tuple[str, list[str], Callable[..., object]]] = [
    ("/login", ["GET", "POST"], views.login),
    ("/logout", POST, views.logout),
    ("/", GET, views.contracts_page),
    ("/contracts/<contract_id>", GET, views.contract_page),
    ("/contracts/<contract_id>/clock", POST, views.clock_action),
    ("/contracts/<contract_id>/accounts/<account_id>", GET, views.statement_page),
    # the transfers tab
    ("/contracts/<contract_id>/transfers", GET, panel_transfers.transfers_page),
    ("/contracts/<contract_id>/bulk-files", POST, panel_zengin.upload_bulk_file),
    # the OAuth tab and the user actions on the overview
    ("/contracts/<contract_id>/oauth", GET, panel_oauth.oauth_page),
    ("/contracts/<contract_id>/oauth/grants/<int:grant_id>/revoke", POST, panel_oauth.revoke_grant),
    ("/contracts/<contract_id>/users/<user>/privileges", POST, panel_oauth.set_privileges),
    ("/contracts/<contract_id>/users/<user>/unlock", POST, panel_oauth.unlock_user),
    # the faults-and-incidents tab
    ("/contracts/<contract_id>/faults", GET, panel_faults.faults_page),
    ("/contracts/<contract_id>/faults", POST, panel_faults.add_fault),
    ("/contracts/<contract_id>/faults/<int:fault_id>/delete", POST, panel_faults.delete_fault),
    ("/contracts/<contract_id>/incidents", POST, panel_faults.add_incident),
    ("/contracts/<contract_id>/incidents/<int:incident_id>/end", POST, panel_faults.end_incident),
    # the timeline tab
    ("/contracts/<contract_id>/timeline", GET, panel_timeline.timeline_page),
]
# What the templates call, from each module that renders a part of the pages
CONTEXT = [
    helpers.context,
    localize.context,
    panel_faults.context,
    panel_oauth.context,
    panel_transfers.context,
]

bp = Blueprint("ui", __name__, template_folder="templates", static_folder="static", static_url_path="/static")
bp.before_request(common.guard)
bp.after_request(common.store_session)
bp.register_error_handler(BankError, common.bank_error)
for processor in CONTEXT:
    bp.context_processor(processor)
for rule, methods, view in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=methods)
