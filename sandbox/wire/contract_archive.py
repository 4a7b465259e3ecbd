"""Archiving a contract: what a scenario run does with the contracts it made (issue 14, runs clean up).

A use case across layers, so it lives above them: the contract's fault rules (``rules.py``, this layer)
go, its incidents end (``incidents/lifecycle.py``), and the bank marks it archived
(``bank/contract_admin.py``) — all in one transaction, for the contract and every child below it.
"""

from __future__ import annotations

from sandbox import events
from sandbox.bank import contract_admin, contracts
from sandbox.incidents import lifecycle
from sandbox.store import Database, transaction
from sandbox.wire import rules


def archive(db: Database, contract_id: str) -> list[str]:
    """Archive the contract and its children; return their ids (children first). Archiving again
    changes nothing but ends what was added since."""
    contracts.get(db, contract_id)  # ContractNotFound
    ids = contract_admin.family(db, contract_id)
    times = {cid: events.touch(db, cid)[1] for cid in ids}  # each clock caught up first
    with transaction(db):
        for cid in ids:
            rules.delete(db, contract_id=cid)
            lifecycle.on_terminate(db, cid, times[cid])  # scheduled incidents cancelled, windows closed
            contract_admin.mark_archived(db, cid, times[cid])
    return ids
