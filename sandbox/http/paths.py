"""The paths the fault rules may name: every API and OAuth path the app serves, and DESIGN §4's."""

from __future__ import annotations

import re

from flask import current_app

from sandbox.wire import rules

# The public surface of DESIGN §4, so a glob for an endpoint not built yet is still "known".
DESIGN_PATHS = [
    "/auth/v1/authorization",
    "/auth/v1/token",
    "/auth/v1/revoke",
    "/auth/v1/introspect",
    "/corporation/v1/accounts",
    "/corporation/v1/accounts/balances",
    "/corporation/v1/accounts/transactions",
    "/corporation/v1/transfer/transferfee",
    "/corporation/v1/transfer/request",
    "/corporation/v1/transfer/request-result",
    "/corporation/v1/transfer/status",
    "/corporation/v1/transfer/cancel",
    "/corporation/v1/transfer/approval",
]


def known() -> list[str]:
    """Every API and OAuth path the app serves (parameters as ``x``) plus DESIGN §4's."""
    served = [
        re.sub(r"<[^>]+>", "x", rule.rule)
        for rule in current_app.url_map.iter_rules()
        if rule.rule.startswith(rules.PREFIXES)
    ]
    return sorted(set(served + DESIGN_PATHS))
