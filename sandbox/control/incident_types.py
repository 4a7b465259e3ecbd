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
from datetime import datetime, timedelta
from typing import Any

from sandbox import clock
from sandbox.bank import contracts, transfers, users
from sandbox.control.fault_errors import IncidentNotApplicable
from sandbox.errors import InvalidParameter
from sandbox.oauth import clients, models
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


# -- parameter helpers -------------------------------------------------------------------------------------


def _user(
    db: Database, contract: dict[str, Any], params: dict[str, Any], required: bool = True
) -> dict[str, Any] | None:
    login = params.get("userId")
    if login is None and not required:
        return None
    if not isinstance(login, str) or not login:
        raise InvalidParameter("userId (利用者ID) is required", field="userId")
    return users.get(db, contract["id"], login)


def _client(db: Database, contract: dict[str, Any], params: dict[str, Any]) -> str | None:
    client_id = params.get("clientId")
    if client_id is None:
        return None
    if not isinstance(client_id, str):
        raise InvalidParameter("clientId must be a string", field="clientId")
    return clients.get(db, client_id, contract["id"])["client_id"]


def _services(params: dict[str, Any], required: bool = True) -> list[str] | None:
    wanted = params.get("services")
    if wanted is None and not required:
        return None
    if isinstance(wanted, str):
        wanted = [wanted]
    if not isinstance(wanted, list) or not wanted or any(s not in contracts.SERVICES for s in wanted):
        raise InvalidParameter(
            f"services must be a non-empty list from {', '.join(contracts.SERVICES)}", field="services"
        )
    return [s for s in contracts.SERVICES if s in wanted]


def duration(params: dict[str, Any], name: str, default: str | None = None) -> timedelta | None:
    raw = params.get(name, default)
    if raw is None:
        return None
    try:
        return clock.parse_duration(raw)
    except (ValueError, TypeError) as exc:
        raise InvalidParameter(f"{name}: {exc}", field=name) from exc


def instant(params: dict[str, Any], name: str) -> datetime | None:
    if params.get(name) is None:
        return None
    try:
        return clock.parse_instant(params[name])
    except ValueError as exc:
        raise InvalidParameter(str(exc), field=name) from exc


# -- tokens and users (§5(5)) ----------------------------------------------------------------------------


def _check_revoke(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    user = _user(db, contract, params, required=False)
    client_id = _client(db, contract, params)
    return {k: v for k, v in {"userId": user and user["login_id"], "clientId": client_id}.items() if v}


def _revoke(db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The bank ends grants before their expiry (§5(5)②): by contract, user and/or client."""
    user = _user(db, contract, params, required=False)
    count = models.revoke_grants(
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
    user = _user(db, contract, params)
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
    count = models.revoke_grants(db, contract["id"], at=at, reason="password_changed", user_id=user["id"])
    return {"grantsRevoked": count}


def _check_privileges(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    user = _user(db, contract, params)
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
        count = models.revoke_grants(
            db, contract["id"], at=at, reason="privilege_removed", user_id=user["id"]
        )
    return {"before": user["privileges"], "after": params["privileges"], "grantsRevoked": count}


def _check_double_login(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    user = _user(db, contract, params)
    duration(params, "duration", "30m")
    return {"userId": user["login_id"], "duration": params.get("duration", "30m")}


# -- the linkage and the contract (§7(4), §8, §9) -----------------------------------------------------------


def _check_withdraw(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    services = _services(params)
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
    services = _services(params, required=False) or withdrawn
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
    result["grantsRevoked"] = models.revoke_grants(db, contract["id"], at=at, reason="contract_terminated")
    return result


def _set(db: Database, contract: dict[str, Any], **columns: str) -> None:
    assignments = ", ".join(f"{k} = ?" for k in columns)
    db.conn.execute(f"UPDATE contracts SET {assignments} WHERE id = ?", [*columns.values(), contract["id"]])


# -- keys and money -------------------------------------------------------------------------------------


def _check_rotate(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    client_id = _client(db, contract, params)
    if client_id is None and not clients.for_contract(db, contract["id"]):
        raise IncidentNotApplicable(f"contract {contract['id']} has no client to rotate a key for")
    grace = params.get("grace")
    duration(params, "grace")
    return {k: v for k, v in {"clientId": client_id, "grace": grace}.items() if v}


def _rotate(db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime) -> dict[str, Any]:
    """A new encryption key per client (§5(2)②); the old ones are retired now or after ``grace``."""
    retire_at = at + (duration(params, "grace") or timedelta(0))
    targets = (
        [params["clientId"]]
        if params.get("clientId")
        else [c["client_id"] for c in clients.for_contract(db, contract["id"])]
    )
    rotated = []
    for client_id in targets:
        old = [k["kid"] for k in clients.keys(db, client_id) if not k["retired_at"]]
        new = clients.add_key(db, client_id, at)
        for kid in old:
            clients.retire_key(db, kid, retire_at)
        rotated.append(
            {
                "clientId": client_id,
                "keyId": new["kid"],
                "retiredKeys": old,
                "retiredAt": clock.to_api(retire_at),
            }
        )
    return {"clients": rotated}


def _check_return(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    apply_no = params.get("applyNo")
    if not isinstance(apply_no, str) or not apply_no:
        raise InvalidParameter("applyNo of an executed transfer is required", field="applyNo")
    req = transfers.find(db, [contract["id"]], apply_no)
    outbound = [i for i in transfers.items_of(db, req["id"]) if i["beneficiary_account_id"] is None]
    if req["status"] not in ("11", "12", "20") or not outbound:
        raise IncidentNotApplicable(
            f"{apply_no} is {transfers.STATUS_NAMES[req['status']]}: only a transfer to another bank that is"
            " executed (or will be) can come back",
            field="applyNo",
        )
    reason = params.get("reason", "returned by the receiving bank (口座なし)")
    if not isinstance(reason, str):
        raise InvalidParameter("reason must be a string", field="reason")
    return {"applyNo": apply_no, "reason": reason}


def _return(db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime) -> dict[str, Any]:
    """資金返却: the receiving bank sends the money back; the transfer becomes 22 and the statement shows it."""
    req = transfers.find(db, [contract["id"]], params["applyNo"])
    journal = transfers.return_funds_at(db, transfers.load(db, req["id"]), at, params["reason"])
    return {"applyNo": params["applyNo"], "journalId": journal}


def _none(db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {}


def _check_maintenance(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    recur = params.get("recur")
    if recur not in (None, "nightly", "weekly"):
        raise InvalidParameter("recur must be nightly or weekly", field="recur")
    start = instant(params, "start") or now
    end, length = instant(params, "end"), duration(params, "duration")
    if (end is None) == (length is None):
        raise InvalidParameter('give exactly one of "end" (ISO 8601) or "duration" (e.g. "2h")', field="end")
    length = length or end - start
    if length <= timedelta(0):
        raise InvalidParameter("the window must end after it starts", field="end")
    period = {"nightly": timedelta(days=1), "weekly": timedelta(weeks=1)}.get(recur or "")
    if period and length >= period:
        raise InvalidParameter(f"a {recur} window must be shorter than its period", field="duration")
    until = instant(params, "until")
    if until is not None and until <= start:
        raise InvalidParameter("until must be after start", field="until")
    return {
        "start": clock.to_db(start),
        "seconds": int(length.total_seconds()),
        **({"recur": recur} if recur else {}),
        **({"until": clock.to_db(until)} if until else {}),
    }


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
        _check_maintenance,
        _none,
        ("start", "end", "duration", "recur", "until"),
        window=True,
    ),
    "rotate-key": Kind(
        "A new encryption key (§5(2)②); the old key is retired at once or after a grace period.",
        _check_rotate,
        _rotate,
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
        _none,
        ("userId", "duration"),
        window=True,
    ),
    "return-funds": Kind(
        "An executed transfer to another bank comes back as 資金返却 (status 22), now or after N days.",
        _check_return,
        _return,
        ("applyNo", "reason"),
    ),
}
