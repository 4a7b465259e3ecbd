"""The rule engine: which fault rule fires on a request (called by ``middleware.py`` for each request).

Triggers are deterministic: ``probability`` draws come from ``(seed, hit number)`` only, so the same seed
replays the same sequence in every worker and after ``fault clear``; ``nth``/``after``/``times`` count hits
stored in SQLite and updated in one ``BEGIN IMMEDIATE`` transaction; ``window`` is evaluated on the
contract clock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatchcase
from typing import Any

from sandbox import clock
from sandbox.store import Database, rows, transaction
from sandbox.wire import rules


@dataclass
class Facts:
    """What the engine knows about a request when it decides (attribution from ``identify``)."""

    method: str
    path: str
    contract_id: str | None = None
    client_id: str | None = None
    user_id: str | None = None
    now: datetime | None = None  # the contract's clock, when the request is attributed to one
    outgoing: bool = False  # a notification the bank sends (sandbox/notify/), not a request it receives


def draw(seed: int, hit: int, salt: str = "fire") -> float:
    """A uniform number in [0, 1) that depends only on ``(seed, hit, salt)``: the replayable coin."""
    digest = hashlib.sha256(f"{seed}:{hit}:{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# Incoming requests see only the incoming effects, outgoing notifications only the outgoing ones.
_SIDE = {
    False: f"effect NOT IN ({', '.join(repr(e) for e in rules.OUTGOING)})",
    True: f"effect IN ({', '.join(repr(e) for e in rules.OUTGOING)})",
}


def _candidates(db: Database, facts: Facts) -> list[dict[str, Any]]:
    found = rows(
        db,
        "SELECT * FROM fault_rules WHERE (contract_id IS NULL OR contract_id = ?)"
        " AND (method IS NULL OR method = ?) AND (client_id IS NULL OR client_id = ?)"
        f" AND (user_id IS NULL OR user_id = ?) AND {_SIDE[facts.outgoing]} ORDER BY id",
        (facts.contract_id, facts.method, facts.client_id, facts.user_id),
    )
    return [rule for rule in found if fnmatchcase(facts.path, rule["path"]) and _in_window(rule, facts.now)]


def _in_window(rule: dict[str, Any], now: datetime | None) -> bool:
    if not (rule["window_start"] or rule["window_end"]):
        return True
    if now is None:  # a window is on a contract clock: unattributed requests are outside every window
        return False
    stamp = clock.to_db(now)
    return (rule["window_start"] or "") <= stamp and (
        rule["window_end"] is None or stamp < rule["window_end"]
    )


def _fires(rule: dict[str, Any], hit: int) -> bool:
    if rule["after"] is not None and hit <= rule["after"]:
        return False
    if rule["nth"] is not None and hit != rule["nth"]:
        return False
    if rule["times"] is not None and rule["fired"] >= rule["times"]:
        return False
    return rule["probability"] is None or draw(rule["seed"], hit) < rule["probability"]


def decide(db: Database, facts: Facts) -> tuple[dict[str, Any], int] | None:
    """Count this request as a hit of every matching rule; return ``(rule, hit)`` of the first that fires.

    At most one effect per request: rules are considered in id order and a later rule that would also
    fire does not (its ``fired``/``times`` are untouched), though it still counts the hit.
    """
    if not _candidates(db, facts):  # the usual case: a read, no write lock
        return None
    chosen = None
    with transaction(db):
        for rule in _candidates(db, facts):
            hit = rule["hits"] + 1
            fire = chosen is None and _fires(rule, hit)
            db.conn.execute(
                "UPDATE fault_rules SET hits = hits + 1, fired = fired + ?,"
                " last_fired_at = CASE WHEN ? THEN ? ELSE last_fired_at END WHERE id = ?",
                (int(fire), int(fire), clock.to_db(facts.now or clock.wall_now()), rule["id"]),
            )
            if fire:
                rule["params"] = rules.params_of(rule)
                chosen = (rule, hit)
    return chosen
