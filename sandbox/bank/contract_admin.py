"""What an operator changes on a contract: its own control key, its settings, archiving it. One function per
use case, each owning its transaction, shared by the control API, the dashboard and the CLI."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sandbox import clock, events
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


def family(db: Database, contract_id: str) -> list[str]:
    """The contract and, depth first, every contract below it (children before their parent)."""
    below = [cid for child in contracts.children(db, contract_id) for cid in family(db, child)]
    return [*below, contract_id]


def mark_archived(db: Database, contract_id: str, at: datetime) -> None:
    """Archive one contract, inside the caller's transaction: hidden from the lists, its key retired.
    Its rows stay (its journals share the bank's clearing and fee accounts: deleting them would
    unbalance the ledger)."""
    db.conn.execute(
        "UPDATE contracts SET archived_at = coalesce(archived_at, ?), control_key_hash = NULL WHERE id = ?",
        (clock.to_db(at), contract_id),
    )
    events.record(db, contract_id, at, "contract", "contract archived: hidden from lists, key retired")
