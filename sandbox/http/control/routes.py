"""The ``control`` blueprint's routes, written out: rule → view. Its prefix (``/sandbox/v1``) is given where
``create_app`` registers it. The rest of ``/sandbox/v1`` is served by ``oauth``, ``transfers`` and ``faults``
in this package, each a blueprint of its own."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint

from sandbox.http.control import (
    auth,
    clocks,
    contracts,
    deposits,
    health,
    notifications,
    payers,
    provision,
    recalls,
)

# (method, rule, view); the endpoint is ``control.<view name>``
ROUTES: list[tuple[str, str, Callable[..., object]]] = [
    ("GET", "/health", health.health),
    ("GET", "/errors", health.error_catalogue),
    ("POST", "/reset", health.reset),
    ("GET", "/contracts", contracts.list_contracts),
    ("POST", "/contracts", provision.create_contracts),
    ("GET", "/contracts/<contract_id>", contracts.show_contract),
    ("POST", "/contracts/<contract_id>/keys", contracts.issue_contract_key),
    ("POST", "/contracts/<contract_id>/archive", contracts.archive_contract),
    ("PATCH", "/contracts/<contract_id>/settings", contracts.patch_settings),
    ("GET", "/contracts/<contract_id>/users/<user>/otp", contracts.user_otp),
    ("GET", "/contracts/<contract_id>/clock", clocks.get_clock),
    ("PUT", "/contracts/<contract_id>/clock", clocks.put_clock),
    ("POST", "/contracts/<contract_id>/clock/advance", clocks.advance_clock),
    ("POST", "/clock/advance", clocks.advance_all),
    ("POST", "/contracts/<contract_id>/deposits", deposits.deposit),
    ("GET", "/contracts/<contract_id>/notifications", notifications.show_notifications),
    ("POST", "/contracts/<contract_id>/notifications/deliver", notifications.deliver_notifications),
    ("POST", "/contracts/<contract_id>/payers", payers.create_payers),
    ("GET", "/contracts/<contract_id>/payers", payers.list_payers),
    ("DELETE", "/contracts/<contract_id>/payers/<payer_id>", payers.delete_payer),
    ("GET", "/contracts/<contract_id>/invoices", payers.list_invoices),
    ("POST", "/contracts/<contract_id>/invoices/reconciliation", payers.grade_reconciliation),
    ("POST", "/contracts/<contract_id>/transfers/<apply_no>/recall", recalls.recall_transfer),
]

bp = Blueprint("control", __name__)
bp.before_request(auth.authenticate)
for method, rule, view in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=[method])
