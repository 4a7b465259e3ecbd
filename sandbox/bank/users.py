"""Users (利用者ID): the 管理専用ID, security administrators and server-connection users (§5(1)).

Identity verification (本人確認) is a password plus a TOTP one-time password computed on the
contract's clock, so moving the clock moves the expected code too.
"""

from __future__ import annotations

import functools
import hashlib
import json
from datetime import datetime
from typing import Any

import pyotp
from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

from sandbox import clock, config
from sandbox.bank.contracts import SERVICES
from sandbox.errors import InvalidParameter, UserNotFound
from sandbox.store import Database, insert, row, rows

ROLES = {"master": "管理専用ID", "security_admin": "セキュリティ管理利用者", "user": "一般利用者"}


def _method() -> str:
    """``PASSWORD_HASH_METHOD`` of the app (the default outside one)."""
    if has_app_context():
        return str(current_app.config["PASSWORD_HASH_METHOD"])
    return str(config.DEFAULTS["PASSWORD_HASH_METHOD"])


def hash_password(password: str, salt: str | None = None) -> str:
    """Werkzeug's salted hash with ``PASSWORD_HASH_METHOD``. A given ``salt`` (seeding: one per user, derived
    from the world's seed, so the world stays reproducible) is used with a ``pbkdf2:<alg>:<rounds>`` method
    in Werkzeug's own format; otherwise Werkzeug draws a random one."""
    method = _method()
    parts = method.split(":")
    if salt is None or len(parts) != 3 or parts[0] != "pbkdf2":
        return generate_password_hash(password, method=method)
    digest = hashlib.pbkdf2_hmac(parts[1], password.encode(), salt.encode(), int(parts[2])).hex()
    return f"{method}${salt}${digest}"


def create(
    db: Database,
    *,
    contract_id: str,
    login_id: str,
    name: str,
    role: str,
    privileges: list[str],
    password: str,
    totp_secret: str,
    at: datetime,
    password_hash: str | None = None,
) -> int:
    return insert(
        db,
        "users",
        {
            "contract_id": contract_id,
            "login_id": login_id,
            "name": name,
            "role": role,
            "privileges": check_privileges(privileges),
            "password_hash": password_hash or hash_password(password),
            "totp_secret": totp_secret,
            "created_at": clock.to_db(at),
        },
    )


def check_privileges(privileges: Any) -> list[str]:
    if not isinstance(privileges, list) or any(p not in SERVICES for p in privileges):
        raise InvalidParameter(
            f"privileges must be a list drawn from {', '.join(SERVICES)}", field="privileges"
        )
    return [p for p in SERVICES if p in privileges]


def decode(found: dict[str, Any]) -> dict[str, Any]:
    """A users row with its JSON column decoded (in place)."""
    found["privileges"] = json.loads(found["privileges"])
    return found


def get(db: Database, contract_id: str, user: str | int) -> dict[str, Any]:
    """A user of the contract by numeric id or 利用者ID."""
    found = row(
        db,
        "SELECT * FROM users WHERE contract_id = ? AND (login_id = ? OR CAST(id AS TEXT) = ?)",
        (contract_id, str(user), str(user)),
    )
    if found is None:
        raise UserNotFound(f"no user {user!r} in contract {contract_id}", field="userId")
    return decode(found)


def for_contract(db: Database, contract_id: str) -> list[dict[str, Any]]:
    return [
        decode(r) for r in rows(db, "SELECT * FROM users WHERE contract_id = ? ORDER BY id", (contract_id,))
    ]


def check_password(user: dict[str, Any], password: str) -> bool:
    return check_password_hash(user["password_hash"], password)


def check_unknown_password(password: str) -> bool:
    """The work of checking a password for a login ID that does not exist (always False): without it a
    wrong ID answers faster than a wrong password, and user IDs could be enumerated by timing."""
    check_password_hash(_decoy(_method()), password)
    return False


@functools.lru_cache(maxsize=4)
def _decoy(method: str) -> str:
    return generate_password_hash("no user has this password", method=method)


def otp(user: dict[str, Any], at: datetime) -> str:
    """The one-time password the user's token shows at contract time ``at``."""
    return pyotp.TOTP(user["totp_secret"]).at(at)


def otp_valid_until(at: datetime) -> datetime:
    step = 30
    epoch = int(at.timestamp())
    return datetime.fromtimestamp(epoch - epoch % step + step, clock.JST)


def verify_otp(user: dict[str, Any], code: str, at: datetime) -> bool:
    """True when ``code`` is the user's OTP at ``at`` or in the 30-second step just before it."""
    return pyotp.TOTP(user["totp_secret"]).verify(str(code).strip(), for_time=at, valid_window=1)


def public(user: dict[str, Any]) -> dict[str, Any]:
    return {
        "userId": user["login_id"],
        "id": user["id"],
        "name": user["name"],
        "role": user["role"],
        "roleName": ROLES[user["role"]],
        "privileges": user["privileges"],
        "locked": bool(user["locked"]),
    }
