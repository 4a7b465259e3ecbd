"""A bearer request's token, grant, user and contract are read once (by the fault layer) and handed to
the protector; they are read again when the contract's due events ran or a latency fault held the request."""

from __future__ import annotations

import pytest

from sandbox.oauth import bearer
from sandbox.store import connect
from tests.oauth_helpers import bearer as auth
from tests.oauth_helpers import mint_tokens

BALANCES = "/corporation/v1/accounts/balances"


@pytest.fixture
def reads(monkeypatch):
    """How many times the bearer rows were read from the database."""
    counted = []
    original = bearer.read

    def counting(db, access_hash):
        counted.append(access_hash)
        return original(db, access_hash)

    monkeypatch.setattr(bearer, "read", counting)
    return counted


def test_one_read_per_request(client, control, reads):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    reads.clear()
    assert client.get(BALANCES, headers=auth(tokens)).status_code == 200
    assert len(reads) == 1


def test_an_event_due_at_the_request_runs_first_and_its_effect_counts(client, control, db_path, reads):
    """A scheduled revoke-tokens falls due (its time reached, not yet run) between two requests."""
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    assert client.get(BALANCES, headers=auth(tokens)).status_code == 200
    shown = control("POST", "/contracts/C0001/incidents", {"type": "revoke-tokens", "in": "2h"}, status=201)
    db = connect(db_path)
    db.conn.execute(  # due now on the frozen contract clock, as if the clock had reached it by itself
        "UPDATE events SET due_at = (SELECT clock_frozen_at FROM contracts WHERE id = 'C0001')"
        " WHERE id = (SELECT event_id FROM incidents WHERE id = ?)",
        (shown["incidentId"],),
    )
    db.conn.close()
    reads.clear()
    refused = client.get(BALANCES, headers=auth(tokens))
    assert (refused.status_code, refused.get_json()["errorCode"]) == (401, "token_revoked")
    assert len(reads) == 2  # the fault layer's, and again after the event ran


def test_a_latency_fault_reads_the_rows_after_the_wait(client, control, reads):
    tokens = mint_tokens(client, control, "C0001", "c0001-viewer")
    rule = {"match": {"path": BALANCES}, "effect": {"type": "latency", "ms": 1}}
    control("POST", "/faults", rule, status=201)
    reads.clear()
    assert client.get(BALANCES, headers=auth(tokens)).status_code == 200
    assert len(reads) == 2


def test_parent_and_plain_contracts_see_what_they_saw(client, control):
    parent = mint_tokens(client, control, "C0001", "c0001-viewer")
    plain = mint_tokens(client, control, "C0002", "c0002-viewer")
    seen = {b["accountId"] for b in client.get(BALANCES, headers=auth(parent)).get_json()["balances"]}
    own = {b["accountId"] for b in client.get(BALANCES, headers=auth(plain)).get_json()["balances"]}
    assert own < seen  # the parent's token also sees its child's accounts (§4(6))
