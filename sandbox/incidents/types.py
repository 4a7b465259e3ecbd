"""What each bank-side incident checks and does. Each changes real state through its owner's domain code.

A type is ``check(db, contract, params, now) -> params`` (raises on bad input or a state where the
incident makes no sense; returns the normalised parameters to store) and ``apply(db, contract,
params, at) -> result`` (runs inside the caller's transaction at contract time ``at``).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.bank import contracts, users
from sandbox.errors import InvalidParameter
from sandbox.incidents import operations as ops
from sandbox.incidents import outcomes as outcome_ops
from sandbox.incidents import parameters as params_
from sandbox.incidents.errors import IncidentNotApplicable
from sandbox.oauth import grants
from sandbox.store import Database

Check = Callable[[Database, dict[str, Any], dict[str, Any], datetime], dict[str, Any]]
Apply = Callable[[Database, dict[str, Any], dict[str, Any], datetime], dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    summary: str  # one line, for the CLI help and the docs
    check: Check
    apply: Apply
    fields: tuple[str, ...]  # parameters it accepts besides type and at/in
    window: bool = False  # an interval in force (maintenance, double-login) rather than a one-shot change
    recheck: bool = True  # check again when a scheduled incident falls due (the state may have moved)


# -- tokens and users (§5(5)) ----------------------------------------------------------------------------


def _check_revoke(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    user = params_.user(db, contract, params, required=False)
    client_id = params_.client(db, contract, params)
    return {k: v for k, v in {"userId": user and user["login_id"], "clientId": client_id}.items() if v}


def _revoke(db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The bank ends grants before their expiry (§5(5)②): by contract, user and/or client."""
    user = params_.user(db, contract, params, required=False)
    count = grants.revoke_grants(
        db,
        contract["id"],
        at=at,
        reason="bank",
        user_id=user and user["id"],
        client_id=params.get("clientId"),
    )
    return {"grantsRevoked": count}


def _check_password(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    user = params_.user(db, contract, params)
    password = params.get("password")
    if password is not None and (not isinstance(password, str) or not 8 <= len(password) <= 64):
        raise InvalidParameter("password must be 8 to 64 characters", field="password")
    # Only the hash is stored; a generated password is shown once, in the answer to this call.
    generated = None if password else secrets.token_urlsafe(9)
    checked = {"userId": user["login_id"], "passwordHash": users.hash_password(password or generated)}
    return {**checked, "_password": generated} if generated else checked


def _password(db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The user's login password changes: their grants end and they must consent again."""
    user = users.get(db, contract["id"], params["userId"])
    db.conn.execute(
        "UPDATE users SET password_hash = ?, credentials_version = credentials_version + 1, failed_logins = 0"
        " WHERE id = ?",
        (params["passwordHash"], user["id"]),
    )
    count = grants.revoke_grants(db, contract["id"], at=at, reason="password_changed", user_id=user["id"])
    return {"grantsRevoked": count}


def _check_privileges(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    user = params_.user(db, contract, params)
    if "privileges" not in params:
        raise InvalidParameter("privileges (a list, possibly empty) is required", field="privileges")
    return {"userId": user["login_id"], "privileges": users.check_privileges(params["privileges"])}


def _privileges(
    db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """New server-connection privileges (§5(3)②): tokens narrow at once; none left ends the grants (§5(5)①)."""
    user = users.get(db, contract["id"], params["userId"])
    db.conn.execute(
        "UPDATE users SET privileges = ? WHERE id = ?", (json.dumps(params["privileges"]), user["id"])
    )
    count = 0
    if not params["privileges"]:
        count = grants.revoke_grants(
            db, contract["id"], at=at, reason="privilege_removed", user_id=user["id"]
        )
    return {"before": user["privileges"], "after": params["privileges"], "grantsRevoked": count}


def _check_double_login(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    user = params_.user(db, contract, params)
    params_.duration(params, "duration", "30m")
    return {"userId": user["login_id"], "duration": params.get("duration", "30m")}


# -- the linkage and the contract (§7(4), §8, §9) -----------------------------------------------------------


def _check_withdraw(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    services = params_.services(params)
    missing = [s for s in services if s not in contract["linkage"]]
    if missing:
        raise IncidentNotApplicable(f"{', '.join(missing)} is not in the linkage scope", field="services")
    return {"services": services}


def _withdraw(db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The bank narrows the API linkage scope (§7(4)①): tokens lose the service at once."""
    linkage = [s for s in contract["linkage"] if s not in params["services"]]
    _set(db, contract, linkage=json.dumps(linkage))
    return {"linkage": linkage}


def _check_reinstate(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    withdrawn = [s for s in contract["services"] if s not in contract["linkage"]]
    services = params_.services(params, required=False) or withdrawn
    if not services or any(s not in withdrawn for s in services):
        raise IncidentNotApplicable(
            f"only withdrawn services can be reinstated; withdrawn now: {', '.join(withdrawn) or 'none'}",
            field="services",
        )
    return {"services": services}


def _reinstate(
    db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime
) -> dict[str, Any]:
    linkage = [s for s in contracts.SERVICES if s in contract["linkage"] or s in params["services"]]
    _set(db, contract, linkage=json.dumps(linkage))
    return {"linkage": linkage}


def _status_check(wanted_from: str) -> Check:
    def check(
        db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
    ) -> dict[str, Any]:
        if wanted_from and contract["status"] != wanted_from:
            raise IncidentNotApplicable(
                f"contract {contract['id']} is {contract['status']}, not {wanted_from}"
            )
        return {}

    return check


def _status_apply(to: str) -> Apply:
    def apply(db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime) -> dict[str, Any]:
        before = contract["status"]
        _set(db, contract, status=to)
        return {"before": before, "after": to}

    return apply


def _terminate(
    db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """The Web21 contract ends and the service with it (§8, §9): every grant ends too."""
    result = _status_apply("terminated")(db, contract, params, at)
    result["grantsRevoked"] = grants.revoke_grants(db, contract["id"], at=at, reason="contract_terminated")
    return result


def _set(db: Database, contract: dict[str, Any], **columns: str) -> None:
    assignments = ", ".join(f"{k} = ?" for k in columns)
    db.conn.execute(f"UPDATE contracts SET {assignments} WHERE id = ?", [*columns.values(), contract["id"]])


KINDS: dict[str, Kind] = {
    "revoke-tokens": Kind(
        "The bank ends grants and their tokens early (§5(5)②): the contract's, a user's or a client's.",
        _check_revoke,
        _revoke,
        ("userId", "clientId"),
    ),
    "withdraw-service": Kind(
        "The bank narrows the API linkage scope (§7(4)①): tokens lose the services at once.",
        _check_withdraw,
        _withdraw,
        ("services",),
    ),
    "reinstate-service": Kind(
        "The bank gives withdrawn services back to the linkage scope (§7(4)①).",
        _check_reinstate,
        _reinstate,
        ("services",),
    ),
    "suspend": Kind(
        "The bank suspends the service (§7(4)②): every API call fails until resumed.",
        _status_check("active"),
        _status_apply("suspended"),
        (),
    ),
    "resume": Kind(
        "The suspended service comes back (§7(4)②).", _status_check("suspended"), _status_apply("active"), ()
    ),
    "terminate": Kind(
        "The Web21 contract ends and the service with it (§8, §9): every grant ends; nothing more applies.",
        _status_check(""),
        _terminate,
        (),
    ),
    "maintenance": Kind(
        "A maintenance window on the contract clock (§2(4)), once, nightly or weekly: 503 with Retry-After.",
        ops.check_maintenance,
        ops.nothing,
        ("start", "end", "duration", "recur", "until"),
        window=True,
    ),
    "rotate-key": Kind(
        "A new encryption key (§5(2)②); the old key is retired at once or after a grace period.",
        ops.check_rotate,
        ops.rotate,
        ("clientId", "grace"),
    ),
    "password-change": Kind(
        "The user's login password changes: their grants end and they must consent again.",
        _check_password,
        _password,
        ("userId", "password"),
        recheck=False,  # its check would draw a new password; apply finds the user itself
    ),
    "privilege-change": Kind(
        "New server-connection privileges (§5(3)②); removing all of them ends the user's grants (§5(5)①).",
        _check_privileges,
        _privileges,
        ("userId", "privileges"),
    ),
    "double-login": Kind(
        "The user is logged in to internet banking: API calls with their tokens fail while it lasts.",
        _check_double_login,
        ops.nothing,
        ("userId", "duration"),
        window=True,
    ),
    "return-funds": Kind(
        "An executed transfer to another bank comes back as 資金返却 (status 22), now or after N days.",
        ops.check_return,
        ops.return_funds,
        ("applyNo", "reason"),
    ),
    "item-outcome": Kind(
        "The receiving bank refuses (不能) or returns (資金返却) a chosen item of a transfer or bulk transfer.",
        outcome_ops.check_item,
        outcome_ops.item_outcome,
        ("applyNo", "itemId", "outcome", "reason"),
    ),
    "recall": Kind(
        "The remitter asks for paid other-bank items back (組戻: 24, then 25 or 26; bulk 30), for a recallFee each.",
        outcome_ops.check_recall,
        outcome_ops.recall_items,
        ("applyNo", "itemIds"),
    ),
}
