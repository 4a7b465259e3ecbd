"""Contracts (Web21 契約, the tenant): status, applied services, parent/child, fee account, settings."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sandbox import config
from sandbox.bank import notices
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


def list_all(db: Database, archived: bool = False) -> list[dict[str, Any]]:
    """Every contract, without the archived ones unless ``archived``."""
    where = "" if archived else " WHERE archived_at IS NULL"
    return [decode(found) for found in rows(db, f"SELECT * FROM contracts{where} ORDER BY id")]


def children(db: Database, contract_id: str) -> list[str]:
    return [
        r["id"] for r in rows(db, "SELECT id FROM contracts WHERE parent_id = ? ORDER BY id", (contract_id,))
    ]


def settings(contract: dict[str, Any]) -> dict[str, Any]:
    """The contract's effective settings: sandbox defaults overlaid with its own.

    A shallow merge (it is on every request's path): nested values are shared, so treat them as read-only.
    """
    return {**config.CONTRACT_SETTINGS, **contract["settings"]}


PROFILES = ("default", "fapi")  # the oauthProfile setting
FAPI_CODE_LIFETIME = 60  # seconds: FAPI 2.0 Security Profile, authorization codes live at most a minute


def pkce_required(contract: dict[str, Any], public: bool) -> bool:
    """Must this client send a PKCE challenge? A public client always; every client under the setting
    ``pkceRequired`` or the ``fapi`` profile."""
    found = settings(contract)
    return public or bool(found["pkceRequired"]) or found["oauthProfile"] == "fapi"


def code_lifetime(contract: dict[str, Any]) -> int:
    """Seconds an authorization code may wait: ``codeLifetime``, at most 60 under the ``fapi`` profile."""
    found = settings(contract)
    lifetime = int(found["codeLifetime"])
    return min(lifetime, FAPI_CODE_LIFETIME) if found["oauthProfile"] == "fapi" else lifetime


# Inclusive bounds of the integer settings: wide enough for any rehearsal, narrow enough that no setting can
# overflow a date, hold the store's write lock for long, or (a negative fee) create money.
INT_BOUNDS = {
    "accessTokenLifetime": (1, 30 * 86400),
    "grantLifetime": (1, 10 * 366 * 86400),
    "codeLifetime": (1, 86400),
    "loginLockoutThreshold": (0, 100),
    "monthlyFee": (0, 9_999_999_999),
    "monthlyFeeDay": (1, 31),
    "requestExpiryDays": (0, 30),
    "bulkTransferMaxItems": (1, 20_000),
    "bulkTransferLeadDays": (0, 10),
    "bulkSalaryLeadDays": (0, 10),
    "statementHistoryMonths": (0, 120),
    "clearingDelaySeconds": (0, 86400),
    "recallFee": (0, 100_000),
    "transferLimitAmount": (0, 999_999_999_999),
    "dailyTransferLimit": (0, 999_999_999_999),
    "statementPageSize": (1, 500),
}
FEE_TIERS = ("sameBranch", "sameBank", "otherBank")
FEE_BANDS = ("under30000", "from30000")


def validate_settings(patch: Any) -> dict[str, Any]:
    """Check a settings patch against the known settings, their types, bounds and nested shapes."""
    if not isinstance(patch, dict) or not patch:
        raise InvalidParameter("settings must be a non-empty JSON object", field="settings")
    for key, value in patch.items():
        if key not in config.CONTRACT_SETTINGS:
            known = ", ".join(sorted(config.CONTRACT_SETTINGS))
            raise UnknownSetting(f"unknown setting {key!r}; known: {known}", field=key)
        default = config.CONTRACT_SETTINGS[key]
        if type(default) is int and isinstance(value, float) and value.is_integer():
            value = patch[key] = int(value)  # JSON has one number type: 1.0 is the integer 1 (RFC 8259 §6)
        if isinstance(default, bool) != isinstance(value, bool) or not isinstance(value, type(default)):
            raise InvalidParameter(f"{key} must be of type {type(default).__name__}", field=key)
        if key in INT_BOUNDS and not INT_BOUNDS[key][0] <= value <= INT_BOUNDS[key][1]:
            low, high = INT_BOUNDS[key]
            raise InvalidParameter(f"{key} must be from {low} to {high}", field=key)
    if "fieldEncryption" in patch and patch["fieldEncryption"] not in ("required", "optional", "off"):
        raise InvalidParameter("fieldEncryption must be required, optional or off", field="fieldEncryption")
    if "oauthProfile" in patch and patch["oauthProfile"] not in PROFILES:
        raise InvalidParameter("oauthProfile must be default or fapi", field="oauthProfile")
    if "cutoffTime" in patch:
        _check_hhmm(patch["cutoffTime"], "cutoffTime")
    if "serviceHours" in patch:
        _check_hours(patch["serviceHours"])
    if "transferFees" in patch:
        _check_fees(patch["transferFees"])
    if "notificationUrl" in patch:
        notices.check_url(patch["notificationUrl"])
    if "rateLimit" in patch:
        _check_rate(patch["rateLimit"])
    return patch


RATE_MAX = 10_000  # requests a second, and tokens in a burst


def _check_rate(limit: dict[str, Any]) -> None:
    """``{"requestsPerSecond": 0–10000 (0: off, fractions allowed), "burst": 1–10000}``."""
    if set(limit) != {"requestsPerSecond", "burst"}:
        raise InvalidParameter('rateLimit must be {"requestsPerSecond": R, "burst": B}', field="rateLimit")
    rate, burst = limit["requestsPerSecond"], limit["burst"]
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= RATE_MAX:
        raise InvalidParameter(
            f"rateLimit.requestsPerSecond must be a number from 0 (off) to {RATE_MAX}",
            field="rateLimit.requestsPerSecond",
        )
    if isinstance(burst, bool) or not isinstance(burst, int) or not 1 <= burst <= RATE_MAX:
        raise InvalidParameter(
            f"rateLimit.burst must be a whole number from 1 to {RATE_MAX}", field="rateLimit.burst"
        )


def _check_hours(hours: dict[str, Any]) -> None:
    if set(hours) != {"start", "end"} or not all(isinstance(v, str) for v in hours.values()):
        raise InvalidParameter(
            'serviceHours must be {"start": "HH:MM", "end": "HH:MM"}', field="serviceHours"
        )
    _check_hhmm(hours["start"], "serviceHours.start")
    _check_hhmm(hours["end"], "serviceHours.end")
    if hours["start"] >= hours["end"]:
        raise InvalidParameter("serviceHours must start before they end", field="serviceHours")


def _check_fees(fees: dict[str, Any]) -> None:
    """Every tier and band, each a whole number of yen from 0 to 100,000 (a negative fee would create money)."""
    for tier in FEE_TIERS:
        bands = fees.get(tier)
        if not isinstance(bands, dict) or set(bands) != set(FEE_BANDS):
            raise InvalidParameter(
                f"transferFees.{tier} must have {' and '.join(FEE_BANDS)}", field=f"transferFees.{tier}"
            )
        for band in FEE_BANDS:
            fee = bands[band]
            if isinstance(fee, bool) or not isinstance(fee, int) or not 0 <= fee <= 100_000:
                raise InvalidParameter(
                    "a fee must be an integer from 0 to 100000", field=f"transferFees.{tier}.{band}"
                )
    if set(fees) - set(FEE_TIERS):
        raise InvalidParameter(f"transferFees has only {', '.join(FEE_TIERS)}", field="transferFees")


def _check_hhmm(value: str, field: str) -> None:
    parts = value.split(":")
    if (
        len(parts) != 2
        or not all(p.isascii() and p.isdigit() and len(p) == 2 for p in parts)
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
