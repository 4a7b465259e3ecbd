"""What an operator changes on a contract: its own control key and its settings. One function per use case,
each owning its transaction, shared by the control API, the dashboard and the CLI."""

from __future__ import annotations

import secrets
from typing import Any

from sandbox.bank import contracts
from sandbox.store import Database, transaction


def issue_keys(db: Database, contract_ids: list[str]) -> dict[str, str]:
    """A new control key for each contract (replacing any earlier one); each reaches only its contract.
    Only the keys' hashes are kept: the keys returned here are shown once."""
    keys = {cid: f"sbx_{cid.lower()}_{secrets.token_urlsafe(18)}" for cid in contract_ids}
    with transaction(db):
        for cid, key in keys.items():
            db.conn.execute(
                "UPDATE contracts SET control_key_hash = ? WHERE id = ?", (contracts.key_hash(key), cid)
            )
    return keys


def issue_key(db: Database, contract_id: str) -> str:
    """The contract's new control key (``ContractNotFound`` when there is no such contract)."""
    contracts.get(db, contract_id)
    return issue_keys(db, [contract_id])[contract_id]


def change_settings(db: Database, contract_id: str, patch: dict[str, Any]) -> dict[str, Any]:
    """Merge ``patch`` (checked setting by setting) into the contract's settings; return them all."""
    with transaction(db):
        contract = contracts.get(db, contract_id)
        return contracts.update_settings(db, contract, patch)
