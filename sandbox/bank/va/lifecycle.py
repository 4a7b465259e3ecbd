"""The use cases of virtual accounts: issue (1–1,000 a call), list, status change (≤ 100 a call) and the
close-request that ends a parent account's VAs at the end of the month on the contract clock.

Each takes the store, the calling contract and ``now`` (the contract clock), owns its transaction and writes
everything or nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sandbox import clock, events
from sandbox.bank import accounts
from sandbox.bank.va import records
from sandbox.bank.va.errors import VaCloseRequested, VaStatusInvalid, VaTooMany
from sandbox.errors import InvalidParameter
from sandbox.store import Database, row, rows, transaction

MAX_ISSUE = 1000
MAX_CHANGE = 100
CLOSE_EVENT = "va-close"
# vaStatusChangeCode → (name, the statuses it applies to, the status it sets)
CHANGES = {"1": ("停止", ("1",), "2"), "2": ("再開", ("2",), "1"), "3": ("削除", ("1", "2"), "3")}


def issue(
    db: Database,
    contract_id: str,
    ra_id: str,
    type_code: str,
    count: int,
    expires_on: date | None,
    now: datetime,
) -> list[dict[str, Any]]:
    """Issue ``count`` VAs under the parent account ``ra_id``; return them. 期限型 needs an expiry date
    from today on, 継続型 takes none; a parent whose VAs are closed (or being closed) takes no new ones."""
    if count > MAX_ISSUE:
        raise VaTooMany(
            f"at most {MAX_ISSUE} virtual accounts a call, asked for {count}", field="issueRequestCount"
        )
    _check_expiry(type_code, expires_on, now.date())
    parent = accounts.get(db, [contract_id], ra_id)
    with transaction(db):
        _refuse_closed(db, contract_id, parent["id"])
        first = db.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM virtual_accounts").fetchone()[0]
        stamp = clock.to_db(now)
        new = [
            _row(n, contract_id, parent, type_code, expires_on, stamp) for n in range(first, first + count)
        ]
        db.conn.executemany(
            f"INSERT INTO virtual_accounts ({', '.join(new[0])}) VALUES ({', '.join('?' * len(new[0]))})",
            [tuple(r.values()) for r in new],
        )
        events.record(
            db,
            contract_id,
            now,
            "va",
            f"{count} virtual account(s) issued under {parent['id']}",
            {"raId": parent["id"], "count": count, "first": new[0]["va_id"]},
        )
    return new


def _row(
    n: int, contract_id: str, parent: dict[str, Any], type_code: str, expires_on: date | None, stamp: str
) -> dict[str, Any]:
    return {
        "id": n,
        "va_id": f"{n:010d}",
        "contract_id": contract_id,
        "ra_id": parent["id"],
        "type_code": type_code,
        "holder_kana": parent["holder_kana"],
        "branch_code": records.BRANCH[0],
        "branch_name": records.BRANCH[1],
        "account_number": f"{n % 10_000_000:07d}",
        "expires_on": expires_on.isoformat() if expires_on else None,
        "issued_at": stamp,
    }


def _check_expiry(type_code: str, expires_on: date | None, today: date) -> None:
    if type_code not in records.TYPES:
        raise InvalidParameter("vaTypeCode must be 1 (期限型) or 2 (継続型)", field="vaTypeCode")
    if type_code == "1" and (expires_on is None or expires_on < today):
        raise InvalidParameter(f"a 期限型 VA needs an expireDate from today ({today}) on", field="expireDate")
    if type_code == "2" and expires_on is not None:
        raise InvalidParameter("a 継続型 VA takes no expireDate", field="expireDate")


def _refuse_closed(db: Database, contract_id: str, ra_id: str) -> None:
    found = row(
        db, "SELECT effective_at FROM va_closures WHERE contract_id = ? AND ra_id = ?", (contract_id, ra_id)
    )
    if found is not None:
        when = clock.to_api(clock.from_db(found["effective_at"]))
        raise VaCloseRequested(f"the virtual accounts of {ra_id} close at {when}", field="raId")


def list_page(db: Database, contract_id: str, filters: dict[str, Any], after: str) -> dict[str, Any]:
    """One page (500) of the contract's VAs matching ``filters`` (raId, vaStatusCode, vaTypeCode, vaId,
    issued from/to), after the ``vaId`` ``after``; with whether more follow and the total."""
    where, params = ["contract_id = ?"], [contract_id]
    for column, key in (
        ("ra_id", "raId"),
        ("status_code", "vaStatusCode"),
        ("type_code", "vaTypeCode"),
        ("va_id", "vaId"),
    ):
        if filters.get(key) is not None:
            where.append(f"{column} = ?")
            params.append(filters[key])
    if filters.get("issueDateFrom"):
        where.append("substr(issued_at, 1, 10) >= ?")
        params.append(filters["issueDateFrom"].isoformat())
    if filters.get("issueDateTo"):
        where.append("substr(issued_at, 1, 10) <= ?")
        params.append(filters["issueDateTo"].isoformat())
    sql = " AND ".join(where)
    total = db.conn.execute(f"SELECT COUNT(*) FROM virtual_accounts WHERE {sql}", params).fetchone()[0]
    found = rows(
        db,
        f"SELECT * FROM virtual_accounts WHERE {sql} AND va_id > ? ORDER BY va_id LIMIT ?",
        [*params, after, records.PAGE + 1],
    )
    page, more = found[: records.PAGE], len(found) > records.PAGE
    return {"vas": page, "more": more, "next": page[-1]["va_id"] if more else None, "total": total}


def change_status(
    db: Database, contract_id: str, code: str, va_ids: list[str], now: datetime
) -> list[dict[str, Any]]:
    """停止 (1) / 再開 (2) / 削除 (3) of up to 100 VAs at once: all of them, or none when one cannot."""
    if code not in CHANGES:
        raise InvalidParameter(
            "vaStatusChangeCode must be 1 (停止), 2 (再開) or 3 (削除)", field="vaStatusChangeCode"
        )
    if len(va_ids) > MAX_CHANGE:
        raise VaTooMany(
            f"at most {MAX_CHANGE} virtual accounts a status change, got {len(va_ids)}", field="vaIdList"
        )
    name, applies, target = CHANGES[code]
    with transaction(db):
        found = records.get_many(db, contract_id, va_ids)
        for va in found:
            records.check_open(va)
            if va["status_code"] not in applies:
                raise VaStatusInvalid(
                    f"{va['va_id']} is {records.STATUSES[va['status_code']]}: cannot {name}", field="vaId"
                )
        stamp = clock.to_db(now)
        db.conn.executemany(
            "UPDATE virtual_accounts SET status_code = ?, status_changed_at = ? WHERE id = ?",
            [(target, stamp, va["id"]) for va in found],
        )
        events.record(
            db,
            contract_id,
            now,
            "va",
            f"{name} of {len(found)} virtual account(s)",
            {"code": code, "vaIds": va_ids[:20]},
        )
    return [{**va, "status_code": target} for va in found]


def close_request(db: Database, contract_id: str, ra_id: str, now: datetime) -> dict[str, Any]:
    """Ask to close every VA of the parent account: they end at the first instant of next month (the
    contract clock), through a clock event; until then they keep taking money."""
    parent = accounts.get(db, [contract_id], ra_id)
    effective = _month_end(now)
    with transaction(db):
        _refuse_closed(db, contract_id, parent["id"])
        db.conn.execute(
            "INSERT INTO va_closures (contract_id, ra_id, requested_at, effective_at) VALUES (?, ?, ?, ?)",
            (contract_id, parent["id"], clock.to_db(now), clock.to_db(effective)),
        )
        events.schedule(db, contract_id, effective, CLOSE_EVENT, {"raId": parent["id"]})
        count = _open_count(db, contract_id, parent["id"])
        events.record(
            db,
            contract_id,
            now,
            "va",
            f"close-request for the virtual accounts of {parent['id']}",
            {"raId": parent["id"], "count": count},
        )
    return {"raId": parent["id"], "requested": now, "effective": effective, "count": count}


def _month_end(now: datetime) -> datetime:
    """The first instant of the month after ``now`` (JST): the close takes effect at the month's end."""
    local = now.astimezone(clock.JST)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return datetime.combine(date(year, month, 1), time(0, 0), clock.JST)


def _open_count(db: Database, contract_id: str, ra_id: str) -> int:
    return db.conn.execute(
        "SELECT COUNT(*) FROM virtual_accounts WHERE contract_id = ? AND ra_id = ? AND closed_at IS NULL",
        (contract_id, ra_id),
    ).fetchone()[0]


def close_event(
    db: Database, contract: dict[str, Any], event: dict[str, Any], at: datetime
) -> dict[str, Any]:
    """Month end: every VA of the parent account is closed (削除済); payments to them are returned."""
    ra_id, stamp = event["payload"]["raId"], clock.to_db(at)
    closed = db.conn.execute(
        "UPDATE virtual_accounts SET status_code = '3', closed_at = ?, status_changed_at = ?"
        " WHERE contract_id = ? AND ra_id = ? AND closed_at IS NULL",
        (stamp, stamp, contract["id"], ra_id),
    ).rowcount
    db.conn.execute(
        "UPDATE va_closures SET done = 1 WHERE contract_id = ? AND ra_id = ?", (contract["id"], ra_id)
    )
    events.record(
        db,
        contract["id"],
        at,
        "va",
        f"{closed} virtual account(s) of {ra_id} closed at month end",
        {"raId": ra_id, "closed": closed},
    )
    return {"raId": ra_id, "closed": closed}
