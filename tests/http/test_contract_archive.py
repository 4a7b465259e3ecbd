"""Archiving a contract (issue 14, runs clean up): hidden from lists and the dashboard, its key retired,
its fault rules removed, its incidents ended, its children with it; admin only; the ledger untouched."""

from __future__ import annotations

from sandbox.bank import ledger
from sandbox.store import connect


def _fresh(control, **extra) -> dict:
    body = {"world": "demo", "count": 1, "prefix": "S", "frozen": True, "issueKeys": True, **extra}
    return control("POST", "/contracts", body, status=201)["contracts"][0]


def test_archive_hides_the_contract_and_ends_what_it_had_in_force(control, db_path):
    parent = _fresh(control)
    child = _fresh(control, parentId=parent["contractId"])
    pid, cid = parent["contractId"], child["contractId"]
    rule = {"match": {"contractId": cid, "path": "/corporation/v1/*"}, "effect": "reset"}
    control("POST", "/faults", rule, status=201)
    control("POST", f"/contracts/{cid}/incidents", {"type": "maintenance", "duration": "30m"}, status=201)
    control(
        "POST",
        f"/contracts/{pid}/incidents",
        {"type": "maintenance", "in": "2h", "duration": "30m"},
        status=201,
    )

    denied = control("POST", f"/contracts/{pid}/archive", key=parent["key"], status=403)
    assert denied["errorCode"].startswith("sandbox_")
    assert control("POST", f"/contracts/{pid}/archive", status=200) == {"archived": [cid, pid]}

    listed = {c["contractId"] for c in control("GET", "/contracts", status=200)["contracts"]}
    assert pid not in listed and cid not in listed and "C0001" in listed
    every = control("GET", "/contracts?archived=true", status=200)["contracts"]
    assert {c["contractId"] for c in every if c.get("archivedAt")} == {pid, cid}
    assert (
        control("GET", f"/contracts/{pid}", key=parent["key"], status=401)["errorCode"]
        == "sandbox_key_invalid"
    )
    assert control("GET", f"/faults?contractId={cid}", status=200)["faults"] == []
    for contract in (pid, cid):
        states = {
            i["status"] for i in control("GET", f"/contracts/{contract}/incidents", status=200)["incidents"]
        }
        assert states <= {"done", "cancelled"}, (contract, states)
    timeline = control("GET", f"/contracts/{cid}/timeline", status=200)["entries"]
    assert any("contract archived" in e["summary"] for e in timeline)
    db = connect(db_path)
    assert ledger.check(db) == []


def test_archive_of_an_unknown_contract_is_a_json_404(control):
    assert control("POST", "/contracts/S9999/archive", status=404)["errorCode"] == "contract_not_found"


def test_cli_archives_and_lists_archived_contracts(control, runner):
    made = _fresh(control)["contractId"]
    result = runner("contracts", "archive", made)
    assert result.exit_code == 0 and result.output == f"archived {made}\n"
    assert made not in runner("contracts", "list").output
    assert f"{made}" in runner("contracts", "list", "--archived").output
