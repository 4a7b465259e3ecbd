"""Payment notifications (入金通知, webhooks) at the bank: subscriptions, the credentials the bank issues for
the contract's notification URL, the outbox row written with each deposit, and the unsent list.

The bank writes a message in the same transaction that credits the deposit, when the contract's
subscription to that event type is started; ``sandbox/notify/`` delivers it over HTTP. A message is
undelivered until the receiver answered 2xx or the client fetched it through ``GET /webhooks/v1/
unsentlist/{eventType}`` (fetched counts as delivered). See docs/reconciliation.md, "Notifications".
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sandbox import clock, events
from sandbox.bank import remitters
from sandbox.errors import BankError, InvalidParameter
from sandbox.store import Database, insert, row, rows, transaction

# va-deposit-transaction: a payment into a virtual account (振込入金口座), as the bank names the event;
# deposit-transaction: an incoming transfer from another bank, credited through bank/deposits.py (a sandbox
# extension, so that notifications can be rehearsed without virtual accounts). A payment into a virtual
# account passes ``va`` (its API fields) to on_deposit from there.
EVENT_TYPES = ("va-deposit-transaction", "deposit-transaction")
UNSENT_PAGE = 500
UNDELIVERED = ("pending", "abandoned")


class UnknownEventType(BankError):
    """The event type is not one the bank notifies."""

    code, status = "unknown_event_type", 400
    message_ja, message_en = "指定されたイベント種別は存在しません。", "Unknown notification event type."


class NoUnsentNotifications(BankError):
    """The unsent list is empty: every message of this event type was delivered or fetched."""

    code, status = "no_unsent_notifications", 404
    message_ja, message_en = "未送信の通知はありません。", "There are no unsent notifications."


class NotificationUrlMissing(BankError):
    """Starting a subscription needs the contract's notification URL (setting ``notificationUrl``)."""

    code, status = "notification_url_missing", 400
    message_ja = "通知先URLが登録されていません。"
    message_en = "No notification URL is registered for this contract."


class NotificationUrlInvalid(BankError):
    """The notification URL is not an absolute http(s) URL with a host (and no user:password@)."""

    code, status = "notification_url_invalid", 400
    message_ja, message_en = "通知先URLの形式が正しくありません。", "The notification URL is not valid."


def check_url(value: str) -> str:
    """``value`` itself when it is "" (none registered) or an absolute http(s) URL with a host."""
    if value == "":
        return value
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise NotificationUrlInvalid(str(exc), field="notificationUrl") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise NotificationUrlInvalid(
            "must be an http:// or https:// URL with a host", field="notificationUrl"
        )
    if parts.username is not None or parts.password is not None or parts.fragment or port == 0:
        raise NotificationUrlInvalid("no user:password@, #fragment or port 0", field="notificationUrl")
    if len(value) > 2000 or any(ch.isspace() for ch in value):
        raise NotificationUrlInvalid("at most 2000 characters, no spaces", field="notificationUrl")
    return value


# -- subscriptions ------------------------------------------------------------------------------------


def subscribe(db: Database, contract_id: str, body: Any, now: datetime, url: str) -> dict[str, Any]:
    """``POST /webhooks/v1/subscribe``: start (``subscribeStatus`` 1) or stop (0) the event types named.

    Starting needs a registered notification URL (``url``); the credentials are issued with it."""
    status, types = _subscription_body(body)
    if status == "1" and not url:
        raise NotificationUrlMissing(
            "set notificationUrl first (PATCH /sandbox/v1/contracts/{id}/settings)", field="notificationUrl"
        )
    with transaction(db):
        for event_type in types:
            db.conn.execute(
                "INSERT INTO notification_subscriptions (contract_id, event_type, active, changed_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (contract_id, event_type)"
                " DO UPDATE SET active = excluded.active, changed_at = excluded.changed_at",
                (contract_id, event_type, int(status == "1"), clock.to_db(now)),
            )
        if status == "1":
            credentials(db, contract_id, now)
        verb = "started" if status == "1" else "stopped"
        _note(db, contract_id, now, f"notifications {verb} for {', '.join(types)}", {"eventTypes": types})
    return {"subscribeStatus": status, "eventTypes": [{"eventType": t} for t in types]}


def _subscription_body(body: Any) -> tuple[str, list[str]]:
    if not isinstance(body, dict):
        raise InvalidParameter("the body must be a JSON object", field="body")
    status = body.get("subscribeStatus")
    if str(status) not in ("0", "1") or isinstance(status, bool):
        raise InvalidParameter("subscribeStatus must be 0 (stop) or 1 (start)", field="subscribeStatus")
    given = body.get("eventTypes")
    if not isinstance(given, list) or not given or len(given) > len(EVENT_TYPES):
        raise InvalidParameter("eventTypes must list 1 to 2 {eventType}", field="eventTypes")
    types = []
    for item in given:
        name = item.get("eventType") if isinstance(item, dict) else None
        check_event_type(name)
        if name not in types:
            types.append(name)
    return str(status), types


def check_event_type(name: Any) -> str:
    """``name`` when it is an event type the bank notifies, else ``UnknownEventType``."""
    if name not in EVENT_TYPES:
        raise UnknownEventType(
            f"unknown event type {name!r}; known: {', '.join(EVENT_TYPES)}", field="eventType"
        )
    return name


def subscriptions(db: Database, contract_id: str) -> dict[str, bool]:
    """Each event type the contract ever subscribed to → whether it is started."""
    found = rows(
        db, "SELECT event_type, active FROM notification_subscriptions WHERE contract_id = ?", (contract_id,)
    )
    return {r["event_type"]: bool(r["active"]) for r in found}


def credentials(db: Database, contract_id: str, now: datetime) -> dict[str, Any]:
    """The HTTP Basic credentials and signature secret issued for the contract's notifications (issued
    on first use, inside the caller's transaction or one of its own)."""
    found = row(db, "SELECT * FROM notification_credentials WHERE contract_id = ?", (contract_id,))
    if found is None:
        found = {
            "contract_id": contract_id,
            "username": f"web21-{contract_id.lower()}",
            "password": secrets.token_urlsafe(18),
            "signature_secret": secrets.token_urlsafe(32),
            "issued_at": clock.to_db(now),
        }
        with transaction(db):
            insert(db, "notification_credentials", found)
    return found


# -- the outbox ---------------------------------------------------------------------------------------


def on_deposit(
    db: Database,
    contract_id: str,
    journal_id: int,
    account: dict[str, Any],
    now: datetime,
    bank: remitters.PayingBank | None = None,
    va: dict[str, Any] | None = None,
) -> list[str]:
    """Write the messages a credited deposit causes (inside the deposit's transaction): one per event
    type it belongs to that the contract subscribed to (started, or stopped: then for the unsent list) (``va``: the virtual account paid, its API fields). Returns their ids."""
    # stopped subscriptions too: while delivery is stopped, messages pile up for the unsent list
    subscribed = subscriptions(db, contract_id)
    wanted = [t for t in ("deposit-transaction", "va-deposit-transaction") if t in subscribed]
    if va is None and "va-deposit-transaction" in wanted:
        wanted.remove("va-deposit-transaction")
    if not wanted:
        return []
    line = row(
        db,
        "SELECT * FROM postings WHERE journal_id = ? AND account_id = ? AND amount > 0",
        (journal_id, account["id"]),
    )
    assert line is not None  # the caller credited this account in this journal
    made = []
    for event_type in wanted:
        message_id = _message_id(db, now)
        body = message(message_id, event_type, account, line, now, bank, va)
        _write(db, contract_id, message_id, event_type, body, now)
        made.append(message_id)
    return made


def _write(
    db: Database, contract_id: str, message_id: str, event_type: str, body: dict[str, Any], now: datetime
) -> None:
    """The outbox row of one message, due at once on the contract clock."""
    row_ = {"contract_id": contract_id, "message_id": message_id, "event_type": event_type}
    row_ |= {"body": json.dumps(body, ensure_ascii=False), "created_at": clock.to_db(now)}
    insert(db, "notifications", {**row_, "due_at": clock.to_db(now)})


def _message_id(db: Database, now: datetime) -> str:
    """19 characters, as the bank's: the contract time to the second and a 5-digit serial."""
    serial = db.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM notifications").fetchone()[0]
    return now.astimezone(clock.JST).strftime("%Y%m%d%H%M%S") + f"{serial % 100_000:05d}"


def message(
    message_id: str,
    event_type: str,
    account: dict[str, Any],
    line: dict[str, Any],
    now: datetime,
    bank: remitters.PayingBank | None,
    va: dict[str, Any] | None,
) -> dict[str, Any]:
    """A notification as the receiver gets it (BANKS.md §2 field names)."""
    paying = bank or remitters.usual(line["counterparty_kana"])
    remitter = line["counterparty_kana"] or ""
    transaction_ = {
        "transactionDate": line["posted_at"][:10],
        "valueDate": line["value_date"],
        "amount": str(line["amount"]),
        "applicantName": remitter,
        "paymentBankName": paying.bank_name,
        "paymentBranchName": paying.branch_name,
        "remarks": " ".join(part for part in ("振込", line["edi"], remitter) if part),
        "itemKey": line["item_key"],
        **({"ediInfo": line["edi"]} if line["edi"] else {}),
        **(va or {}),
    }
    key = "vaTransaction" if event_type == "va-deposit-transaction" else "depositTransaction"
    return {
        "messageId": message_id,
        "eventType": event_type,
        "timestamp": clock.to_api(now),
        "account": {
            "raId": account["id"],
            "raBranchCode": account["branch_code"],
            "raBranchNameKana": remitters.sandbox_branch(account["branch_code"]).branch_name,
            "raAccountNumber": account["account_number"],
            "raHolderName": account["holder_kana"],
            "baseDate": now.date().isoformat(),
            "baseTime": now.strftime("%H:%M:%S+09:00"),
        },
        key: transaction_,
    }


def unsent(db: Database, contract_id: str, event_type: Any, now: datetime) -> dict[str, Any]:
    """``GET /webhooks/v1/unsentlist/{eventType}``: up to 500 undelivered messages, oldest first, which
    count as delivered from now on; ``NoUnsentNotifications`` (404) when there are none left."""
    check_event_type(event_type)
    with transaction(db):
        found = rows(
            db,
            "SELECT id, body FROM notifications WHERE contract_id = ? AND event_type = ?"
            " AND state IN ('pending', 'abandoned') ORDER BY id LIMIT ?",
            (contract_id, event_type, UNSENT_PAGE),
        )
        if not found:
            raise NoUnsentNotifications(f"no unsent {event_type} notifications", field="eventType")
        db.conn.executemany(
            "UPDATE notifications SET state = 'fetched', done_at = ?, lease_until = NULL WHERE id = ?",
            [(clock.to_db(now), r["id"]) for r in found],
        )
        messages = [json.loads(r["body"]) for r in found]
        ids = [m["messageId"] for m in messages]
        _note(
            db, contract_id, now, f"{len(ids)} unsent {event_type} notifications fetched", {"messageIds": ids}
        )
    return {"eventType": event_type, "count": len(messages), "messages": messages}


def _note(db: Database, contract_id: str, at: datetime, summary: str, data: dict[str, Any]) -> None:
    events.record(db, contract_id, at, "notification", summary, data)
