"""Incident types that act on keys, money and the service window: rotate-key, return-funds, maintenance."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sandbox import clock
from sandbox.bank import keys
from sandbox.bank.transfers import lifecycle as transfers
from sandbox.errors import InvalidParameter
from sandbox.incidents.errors import IncidentNotApplicable
from sandbox.incidents.parameters import client, duration, instant
from sandbox.oauth import clients
from sandbox.store import Database


def check_rotate(
    db: Database, contract: dict[str, Any], params: dict[str, Any], now: datetime
) -> dict[str, Any]:
    client_id = client(db, contract, params)
    if client_id is None and not clients.for_contract(db, contract["id"]):
        raise IncidentNotApplicable(f"contract {contract['id']} has no client to rotate a key for")
    grace = params.get("grace")
    duration(params, "grace")
    return {k: v for k, v in {"clientId": client_id, "grace": grace}.items() if v}


def rotate(db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime) -> dict[str, Any]:
    """A new encryption key per client (§5(2)②); the old ones are retired now or after ``grace``."""
    retire_at = at + (duration(params, "grace") or timedelta(0))
    targets = (
        [params["clientId"]]
        if params.get("clientId")
        else [c["client_id"] for c in clients.for_contract(db, contract["id"])]
    )
    rotated = []
    for client_id in targets:
        old = [k["kid"] for k in keys.keys(db, client_id) if not k["retired_at"]]
        new = keys.add_key(db, client_id, at)
        for kid in old:
            keys.retire_key(db, kid, retire_at)
        rotated.append(
            {
                "clientId": client_id,
                "keyId": new["kid"],
                "retiredKeys": old,
                "retiredAt": clock.to_api(retire_at),
            }
        )
    return {"clients": rotated}


def check_return(
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


def return_funds(
    db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """資金返却: the receiving bank sends the money back; the transfer becomes 22 and the statement shows it."""
    req = transfers.find(db, [contract["id"]], params["applyNo"])
    journal = transfers.return_funds_at(db, transfers.load(db, req["id"]), at, params["reason"])
    return {"applyNo": params["applyNo"], "journalId": journal}


def nothing(db: Database, contract: dict[str, Any], params: dict[str, Any], at: datetime) -> dict[str, Any]:
    return {}


def check_maintenance(
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
