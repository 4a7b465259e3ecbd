"""Client encryption keys (§5(2)②): the bank issues each registered client a 32-byte key for field
encryption, identified by a key id (the JWE ``kid``). A client may hold several: a rotation issues a new
current key and retires the old one, possibly in the future (the grace period in which both work).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox import clock
from sandbox.store import Database, insert, row, rows

KEY_BYTES = 32  # the encryption key of §5(2)② (AES-256-GCM, used as JWE "dir" key)


def add_key(
    db: Database, client_id: str, at: datetime, *, draw: Callable[[int], bytes] = secrets.token_bytes
) -> dict[str, Any]:
    """Issue a new encryption key; it becomes the current one (earlier keys stay until retired)."""
    key = {
        "kid": f"k-{draw(5).hex()}",
        "client_id": client_id,
        "key": base64.urlsafe_b64encode(draw(KEY_BYTES)).decode().rstrip("="),
        "created_at": clock.to_db(at),
    }
    insert(db, "oauth_client_keys", key)
    return key


def retire_key(db: Database, kid: str, at: datetime) -> None:
    """Retire key ``kid`` at ``at`` (which may lie ahead); a key already retired keeps its date."""
    db.conn.execute(
        "UPDATE oauth_client_keys SET retired_at = ? WHERE kid = ? AND retired_at IS NULL",
        (clock.to_db(at), kid),
    )


def keys(db: Database, client_id: str) -> list[dict[str, Any]]:
    """Every key of the client, newest first (retired ones included, with ``retired_at``)."""
    return rows(
        db,
        "SELECT * FROM oauth_client_keys WHERE client_id = ? ORDER BY created_at DESC, rowid DESC",
        (client_id,),
    )


def current_key(db: Database, client_id: str | None) -> dict[str, Any] | None:
    """The client's current key: the newest one never retired."""
    if client_id is None:
        return None
    return next((k for k in keys(db, client_id) if not k["retired_at"]), None)


def find_key(db: Database, kid: str) -> dict[str, Any] | None:
    """A key by its key id (the JWE ``kid``), whichever client it belongs to."""
    return row(db, "SELECT * FROM oauth_client_keys WHERE kid = ?", (kid,))


def key_bytes(key: dict[str, Any]) -> bytes:
    """The raw key bytes of a stored key (kept as unpadded base64url, as the client receives it)."""
    text = key["key"]
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
