"""Who may call the control API: the admin key (everything) or a contract key (one contract).

The admin key is ``WEB21_SANDBOX_ADMIN_KEY`` when set; otherwise it is generated once and kept in
``admin.key`` beside the database file (mode 0600), where the CLI finds it by itself.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
from pathlib import Path

from flask import Flask, current_app, g, request

from sandbox.bank import contracts
from sandbox.errors import SandboxForbidden, SandboxKeyInvalid, SandboxKeyMissing
from sandbox.http.control import throttle
from sandbox.store import get_db

HEADER = "X-Sandbox-Key"


def key_path(database: str | Path) -> Path:
    return Path(database).resolve().parent / "admin.key"


def ensure_admin_key(database: str | Path, configured: str | None = None) -> str:
    """The admin key: the configured one, else the one kept beside ``database`` (created on first use)."""
    if configured:
        return configured
    path = key_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    key = "sbx_admin_" + secrets.token_urlsafe(24)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


MIN_KEY_LENGTH = 16


def weak_key_problem(host: str, key: str | None) -> str | None:
    """Why ``key`` must not guard a server listening on ``host`` beyond loopback (None: it may). A key a
    reader copies from an example, or one short enough to guess, is refused; generated keys pass."""
    if key is None or _loopback(host):
        return None
    if len(key) < MIN_KEY_LENGTH or key.lower() in {"change-me", "changeme", "secret", "password", "admin"}:
        return (
            f"the admin key is too weak to listen on {host}: use {MIN_KEY_LENGTH} or more random characters, e.g. "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(24))'"
        )
    return None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def init_app(app: Flask) -> None:
    app.config["ADMIN_KEY"] = ensure_admin_key(app.config["DATABASE"], app.config.get("ADMIN_KEY"))


def authenticate() -> None:
    """Set ``g.control_contract``: None for the admin key, the contract id for a contract key."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        raise SandboxKeyMissing(
            f"send the admin key or a contract key in {HEADER}",
            headers={"WWW-Authenticate": 'SandboxKey realm="web21-sandbox"'},
        )
    throttle.check()
    if hmac.compare_digest(key.encode(), current_app.config["ADMIN_KEY"].encode()):
        contract_id = None
    else:
        contract_id = contracts.find_by_key(get_db(), key)
        if contract_id is None:
            throttle.failed()
            raise SandboxKeyInvalid(
                headers={"WWW-Authenticate": 'SandboxKey realm="web21-sandbox", error="invalid_key"'}
            )
    throttle.succeeded()
    g.control_contract = contract_id


def allow_contract(contract_id: str) -> None:
    """A contract key reaches only its own contract."""
    if g.control_contract is not None and g.control_contract != contract_id:
        raise SandboxForbidden(f"this key belongs to contract {g.control_contract}, not {contract_id}")


def require_admin() -> None:
    if g.control_contract is not None:
        raise SandboxForbidden("this call needs the admin key")
