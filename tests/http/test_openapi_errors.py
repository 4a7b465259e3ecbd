"""Issue 13 item 4: the OpenAPI document lists the 401 and 404 answers every /sandbox/v1 operation really gives."""

from __future__ import annotations

import re

from tests.conftest import ADMIN_KEY

# Concrete values for path parameters: a contract that does not exist (for 404), everything else plausible.
VALUES = {
    "userId": "c0001-viewer",
    "clientId": "x",
    "grantId": "1",
    "applyNo": "1",
    "faultId": "1",
    "incidentId": "1",
    "accountId": "791011571600",
    "kind": "03",
}


def operations(client):
    doc = client.get("/openapi.json").get_json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path.startswith("/sandbox/v1") and method in ("get", "post", "put", "patch", "delete"):
                yield method, path, set(op.get("responses", {}))


def concrete(path: str, contract_id: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: contract_id if m[1] == "contractId" else VALUES[m[1]], path)


def test_every_401_and_unknown_contract_404_is_documented(client):
    undocumented = []
    for method, path, documented in operations(client):
        unkeyed = client.open(concrete(path, "C0001"), method=method.upper(), json={})
        if unkeyed.status_code == 401 and "401" not in documented:
            undocumented.append(f"401 {method.upper()} {path}")
        if "{contractId}" in path:
            unknown = client.open(
                concrete(path, "C9999"), method=method.upper(), json={}, headers={"X-Sandbox-Key": ADMIN_KEY}
            )
            if unknown.status_code == 404 and "404" not in documented:
                undocumented.append(f"404 {method.upper()} {path}")
    assert not undocumented, "\n".join(undocumented)
