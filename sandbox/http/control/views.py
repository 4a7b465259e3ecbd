"""``/sandbox/v1``: thin views over the domain. Parse, call, render."""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, g

from sandbox import calendar, clock, config, errors, events
from sandbox.bank import accounts, contracts, ledger, users
from sandbox.errors import ClockBackwards, InvalidParameter
from sandbox.fields import field
from sandbox.http.control import auth
from sandbox.http.web import json_body, reply
from sandbox.seeding import worlds as seeding
from sandbox.store import Database, get_db, get_meta, row, transaction

bp = Blueprint("control", __name__, url_prefix="/sandbox/v1")
bp.before_request(auth.authenticate)


def healthz() -> Response:
    """Liveness without a key: says only that the process answers and its store opens."""
    get_db().conn.execute("SELECT 1")
    return reply({"status": "ok"})


@bp.get("/health")
def health() -> Response:
    db = get_db()
    world = seeding_meta(db)
    return reply(
        {
            "status": "ok",
            "version": config.VERSION,
            "schemaVersion": db.conn.execute("PRAGMA user_version").fetchone()[0],
            "world": world.get("world"),
            "seed": world.get("seed"),
            "contracts": db.conn.execute("SELECT COUNT(*) FROM contracts").fetchone()[0],
            "ledgerBalanced": not ledger.check(db) if g.control_contract is None else None,
        }
    )


def seeding_meta(db: Database) -> dict[str, Any]:
    raw = get_meta(db, "world")
    return json.loads(raw) if raw else {}


@bp.get("/errors")
def error_catalogue() -> Response:
    return reply({"errors": errors.catalogue()})


@bp.post("/reset")
def reset() -> Response:
    auth.require_admin()
    data = json_body(required=False)
    world = field(data, "world", required=False) or "demo"
    seed = field(data, "seed", int, required=False)
    start = _instant(data, "start") if data.get("start") is not None else None
    frozen = field(data, "frozen", bool, required=False) or False
    built = seeding.reset(get_db(), world, 21 if seed is None else seed, start, frozen=frozen)
    return reply(
        {
            "world": built.name,
            "seed": built.seed,
            "contracts": [c["id"] for c in built.contracts],
            "credentials": built.credentials,
        }
    )


@bp.get("/contracts")
def list_contracts() -> Response:
    db = get_db()
    found = [c for c in contracts.list_all(db) if g.control_contract in (None, c["id"])]
    return reply({"contracts": [summary(db, c) for c in found], "count": len(found)})


@bp.get("/contracts/<contract_id>")
def show_contract(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    contract, now = events.touch(db, contract_id)
    return reply(detail(db, contract, now))


@bp.post("/contracts/<contract_id>/keys")
def issue_contract_key(contract_id: str) -> Response:
    """Issue the contract's own control key (replacing any earlier one): it reaches only this contract."""
    auth.require_admin()
    db = get_db()
    contracts.get(db, contract_id)
    key = "sbx_" + contract_id.lower() + "_" + secrets.token_urlsafe(18)
    with transaction(db):
        db.conn.execute(
            "UPDATE contracts SET control_key_hash = ? WHERE id = ?", (contracts.key_hash(key), contract_id)
        )
    return reply({"contractId": contract_id, "key": key}, 201)


@bp.patch("/contracts/<contract_id>/settings")
def patch_settings(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    with transaction(db):
        contract = contracts.get(db, contract_id)
        merged = contracts.update_settings(db, contract, json_body())
    return reply({"contractId": contract_id, "settings": merged})


@bp.get("/contracts/<contract_id>/users/<user>/otp")
def user_otp(contract_id: str, user: str) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    contract, now = events.touch(db, contract_id)
    found = users.get(db, contract_id, user)
    return reply(
        {
            "contractId": contract_id,
            "userId": found["login_id"],
            "otp": users.otp(found, now),
            "at": clock.to_api(now),
            "validUntil": clock.to_api(users.otp_valid_until(now)),
        }
    )


# -- clock ------------------------------------------------------------------------------------------


@bp.get("/contracts/<contract_id>/clock")
def get_clock(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    contract, now = events.touch(db, contract_id)
    return reply(clock_view(db, contract, now))


@bp.put("/contracts/<contract_id>/clock")
def put_clock(contract_id: str) -> Response:
    """Set mode (``running``/``frozen``) and/or move to ``at``; never backwards."""
    auth.allow_contract(contract_id)
    data = json_body()
    mode = field(data, "mode", required=False)
    if mode not in (None, "running", "frozen"):
        raise InvalidParameter("mode must be running or frozen", field="mode")
    db = get_db()
    events.touch(db, contract_id)
    target = _instant(data, "at") if data.get("at") is not None else None
    events.move_clock(db, contract_id, target, mode=mode)
    contract, now = events.touch(db, contract_id)
    return reply(clock_view(db, contract, now))


@bp.post("/contracts/<contract_id>/clock/advance")
def advance_clock(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    target_for = _target(json_body())
    contract, now = events.touch(db, contract_id)
    moved = events.move_clock(db, contract_id, target_for(now))
    contract, now = events.touch(db, contract_id)
    return reply({**clock_view(db, contract, now), "eventsRun": moved["eventsRun"]})


@bp.post("/clock/advance")
def advance_all() -> Response:
    """Move every contract's clock, all or none: each target is checked before any clock moves."""
    auth.require_admin()
    db = get_db()
    target_for = _target(json_body())
    moved = []
    with transaction(db):
        plan = []
        for contract in contracts.list_all(db):
            contract, now = events.touch(db, contract["id"])
            target = target_for(now)
            if target < now:
                raise ClockBackwards(
                    f"{clock.to_api(target)} is before contract {contract['id']}'s time {clock.to_api(now)};"
                    " no clock was moved",
                    field="to",
                )
            plan.append((contract["id"], target))
        for contract_id, target in plan:
            result = events.move_clock(db, contract_id, target)
            moved.append(
                {
                    "contractId": contract_id,
                    "now": clock.to_api(result["to"]),
                    "eventsRun": result["eventsRun"],
                }
            )
    return reply({"contracts": moved, "count": len(moved)})


def _target(data: dict[str, Any]):  # noqa: ANN202 - returns a small closure
    """From ``{"by": duration}`` or ``{"to": instant}``, a function of the current time to the target."""
    if ("by" in data) == ("to" in data):
        raise InvalidParameter(
            'give exactly one of "by" (e.g. "90m", "2h", "3d", "PT2H") or "to" (ISO 8601)', field="by"
        )
    if "by" in data:
        try:
            delta = clock.parse_duration(field(data, "by", (str, int)))
        except ValueError as exc:
            raise InvalidParameter(str(exc), field="by") from exc
        return lambda now: _shift(now, delta)
    target = _instant(data, "to")
    return lambda now: target


def _shift(now: datetime, delta: Any) -> datetime:
    try:
        return clock.shift(now, delta)
    except ValueError as exc:
        raise InvalidParameter(str(exc), field="by") from exc


def _instant(data: dict[str, Any], name: str) -> datetime:
    try:
        return clock.parse_instant(field(data, name))
    except ValueError as exc:
        raise InvalidParameter(str(exc), field=name) from exc


# -- deposits ---------------------------------------------------------------------------------------


@bp.post("/contracts/<contract_id>/deposits")
def deposit(contract_id: str) -> Response:
    """Credit an incoming transfer from another bank, visible in the account's statement."""
    auth.allow_contract(contract_id)
    data = json_body()
    db = get_db()
    contract, now = events.touch(db, contract_id)
    account = accounts.get(db, [contract_id], field(data, "accountId"))
    amount = accounts.check_amount(data.get("amount"))
    remitter = accounts.check_kana(data.get("remitterName", "ｻﾝﾄﾞﾎﾞﾂｸｽ"), "remitterName", max_length=48)
    edi = field(data, "edi", required=False)
    if edi is not None:
        accounts.check_kana(edi, "edi", max_length=20)
    with transaction(db):
        journal = accounts.deposit(
            db,
            contract_id=contract_id,
            acct_id=account["id"],
            amount=amount,
            remitter_kana=remitter,
            edi=edi,
            at=now,
        )
        events.record(
            db,
            contract_id,
            now,
            "deposit",
            f"deposit of {amount} yen to {account['id']} from {remitter}",
            {"journalId": journal},
        )
    return reply(
        {
            "journalId": journal,
            "accountId": account["id"],
            "amount": str(amount),
            "balance": str(ledger.balance(db, account["id"])),
            "at": clock.to_api(now),
        },
        201,
    )


# -- representations --------------------------------------------------------------------------------


def clock_view(db: Database, contract: dict[str, Any], now: datetime) -> dict[str, Any]:
    cut = contracts.settings(contract)["cutoffTime"]
    nxt = row(
        db,
        "SELECT due_at, kind FROM events WHERE contract_id = ? AND status = 'pending' ORDER BY due_at, id LIMIT 1",
        (contract["id"],),
    )
    pending = db.conn.execute(
        "SELECT COUNT(*) FROM events WHERE contract_id = ? AND status = 'pending'", (contract["id"],)
    ).fetchone()[0]
    view = {
        "contractId": contract["id"],
        "now": clock.to_api(now),
        "mode": contract["clock_mode"],
        "businessDay": calendar.is_business_day(now.date()),
        "beforeCutoff": calendar.before_cutoff(now, cut),
        "cutoffTime": cut,
        "pendingEvents": pending,
    }
    if not view["businessDay"]:
        view["holidayName"] = calendar.holiday_name(now.date())
    if nxt:
        view["nextEvent"] = {"at": clock.to_api(clock.from_db(nxt["due_at"])), "kind": nxt["kind"]}
    return view


def summary(db: Database, contract: dict[str, Any]) -> dict[str, Any]:
    return {
        "contractId": contract["id"],
        "name": contract["name"],
        "nameKana": contract["name_kana"],
        "status": contract["status"],
        "services": contract["services"],
        "parentId": contract["parent_id"],
        "now": clock.to_api(clock.contract_now(contract)),
        "clockMode": contract["clock_mode"],
    }


def detail(db: Database, contract: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        **summary(db, contract),
        "linkageScope": contract["linkage"],
        "children": contracts.children(db, contract["id"]),
        "feeAccountId": contract["fee_account_id"],
        "settings": contracts.settings(contract),
        "clock": clock_view(db, contract, now),
        "users": [users.public(u) for u in users.for_contract(db, contract["id"])],
        "accounts": [accounts.public(a) for a in accounts.for_contracts(db, [contract["id"]])],
    }
