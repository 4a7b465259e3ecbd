"""Contracts (Web21 契約, the tenant): status, applied services, parent/child, fee account, settings."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sandbox import clock, config
from sandbox.errors import ContractNotActive, ContractNotFound, InvalidParameter, UnknownSetting
from sandbox.store import Database, row, rows

SERVICES = ("account", "transfer", "transfer-approval")  # §2(2)②③④
STATUSES = ("active", "suspended", "terminated")  # §7(4)②, §8, §9
_JSON_COLUMNS = ("services", "linkage", "settings")


def decode(found: dict[str, Any]) -> dict[str, Any]:
    """A contracts row with its JSON columns decoded (in place)."""
    for column in _JSON_COLUMNS:
        found[column] = json.loads(found[column])
    return found


def get(db: Database, contract_id: str) -> dict[str, Any]:
    """The contract row with its JSON columns decoded, or ``ContractNotFound``."""
    found = row(db, "SELECT * FROM contracts WHERE id = ?", (contract_id,))
    if found is None:
        raise ContractNotFound(f"no contract {contract_id!r}", field="contractId")
    return decode(found)


def list_all(db: Database) -> list[dict[str, Any]]:
    return [decode(found) for found in rows(db, "SELECT * FROM contracts ORDER BY id")]


def children(db: Database, contract_id: str) -> list[str]:
    return [
        r["id"] for r in rows(db, "SELECT id FROM contracts WHERE parent_id = ? ORDER BY id", (contract_id,))
    ]


def settings(contract: dict[str, Any]) -> dict[str, Any]:
    """The contract's effective settings: sandbox defaults overlaid with its own.

    A shallow merge (it is on every request's path): nested values are shared, so treat them as read-only.
    """
    return {**config.CONTRACT_SETTINGS, **contract["settings"]}


def validate_settings(patch: Any) -> dict[str, Any]:
    """Check a settings patch against the known settings and their types."""
    if not isinstance(patch, dict) or not patch:
        raise InvalidParameter("settings must be a non-empty JSON object", field="settings")
    for key, value in patch.items():
        if key not in config.CONTRACT_SETTINGS:
            known = ", ".join(sorted(config.CONTRACT_SETTINGS))
            raise UnknownSetting(f"unknown setting {key!r}; known: {known}", field=key)
        default = config.CONTRACT_SETTINGS[key]
        if isinstance(default, bool) != isinstance(value, bool) or not isinstance(value, type(default)):
            raise InvalidParameter(f"{key} must be of type {type(default).__name__}", field=key)
        if isinstance(default, int) and not isinstance(default, bool) and value < 0:
            raise InvalidParameter(f"{key} must not be negative", field=key)
    if "fieldEncryption" in patch and patch["fieldEncryption"] not in ("required", "optional", "off"):
        raise InvalidParameter("fieldEncryption must be required, optional or off", field="fieldEncryption")
    for key in ("cutoffTime",):
        if key in patch:
            _check_hhmm(patch[key], key)
    return patch


def _check_hhmm(value: str, field: str) -> None:
    parts = value.split(":")
    if (
        len(parts) != 2
        or not all(p.isdigit() for p in parts)
        or not (0 <= int(parts[0]) <= 24 and 0 <= int(parts[1]) < 60)
    ):
        raise InvalidParameter(f"{field} must be HH:MM", field=field)


def update_settings(db: Database, contract: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    merged = {**contract["settings"], **validate_settings(patch)}
    db.conn.execute(
        "UPDATE contracts SET settings = ? WHERE id = ?",
        (json.dumps(merged, ensure_ascii=False), contract["id"]),
    )
    contract["settings"] = merged
    return settings(contract)


def require_active(contract: dict[str, Any]) -> None:
    """Raise ``ContractNotActive`` unless the contract is active (§7(4)②, §9)."""
    if contract["status"] != "active":
        raise ContractNotActive(f"contract {contract['id']} is {contract['status']}", field="contractId")


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def find_by_key(db: Database, key: str) -> str | None:
    """The contract whose own control key is ``key``, if any."""
    found = row(db, "SELECT id FROM contracts WHERE control_key_hash = ?", (key_hash(key),))
    return found["id"] if found else None


def now(contract: dict[str, Any]) -> Any:
    return clock.contract_now(contract)
