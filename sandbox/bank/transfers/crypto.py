"""Field encryption (§5(2)②): beneficiary details travel as a JWE compact string made with the
client's encryption key (``alg`` ``dir``, ``enc`` ``A256GCM``, ``kid`` = the key id the bank issued).

Keys are the bank's (sandbox/bank/keys.py). A key is looked up by the JWE's
``kid``: a kid that is not this client's is ``jwe_key_unknown``; a key whose ``retired_at`` has passed
on the contract clock is ``jwe_key_retired`` (a rotation may set ``retired_at`` in the future: the
grace period in which both keys work); a JWE that does not open with the named key is ``jwe_decrypt_failed``.
"""

from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import Any

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from sandbox import clock
from sandbox.bank import keys
from sandbox.bank.transfers.errors import JweDecryptFailed, JweInvalid, JweKeyRetired, JweKeyUnknown
from sandbox.store import Database

ALG, ENC = "dir", "A256GCM"
MAX_LENGTH = 4096  # a beneficiary's JWE is a few hundred characters; longer is not one


def header(token: str) -> dict[str, Any]:
    """The protected header of a JWE compact string, checked for ``dir`` / ``A256GCM`` / ``kid``."""
    if not isinstance(token, str) or not token or len(token) > MAX_LENGTH or token.count(".") != 4:
        raise JweInvalid("encryptedBeneficiary must be a JWE compact string (five base64url parts)")
    try:
        protected = jwe.extract_compact(token.encode("ascii"), jwe.default_registry).protected
    except (JoseError, ValueError, UnicodeError) as exc:
        raise JweInvalid(f"encryptedBeneficiary is not a JWE compact string: {exc}") from exc
    if protected.get("alg") != ALG or protected.get("enc") != ENC:
        raise JweInvalid(f"the JWE header must have alg {ALG} and enc {ENC}, got {protected}")
    if not isinstance(protected.get("kid"), str) or not protected["kid"]:
        raise JweInvalid("the JWE header must name the key in kid")
    return protected


def client_key(db: Database, client_id: str | None, kid: str, now: datetime) -> dict[str, Any]:
    """The key ``kid`` of this client, usable at ``now``; its own error for unknown and retired keys."""
    key = keys.find_key(db, kid)
    if key is None or key["client_id"] != client_id:
        raise JweKeyUnknown(f"kid {kid!r} is not an encryption key of client {client_id}")
    if key["retired_at"] and clock.from_db(key["retired_at"]) <= now:
        raise JweKeyRetired(f"key {kid} was retired at {clock.to_api(clock.from_db(key['retired_at']))}")
    return key


def decrypt(db: Database, client_id: str | None, token: str, now: datetime) -> dict[str, Any]:
    """The JSON object inside ``token``, decrypted with the client's key named by its ``kid``."""
    protected = header(token)
    key = client_key(db, client_id, protected["kid"], now)
    try:
        plaintext = jwe.decrypt_compact(token, _oct_key(keys.key_bytes(key))).plaintext
    except (JoseError, ValueError) as exc:
        raise JweDecryptFailed(f"the JWE does not decrypt with key {key['kid']}") from exc
    try:
        data = json.loads(plaintext or b"")
    except ValueError as exc:
        raise JweInvalid("the JWE plaintext is not JSON") from exc
    if not isinstance(data, dict):
        raise JweInvalid("the JWE plaintext must be a JSON object of beneficiary fields")
    return data


@functools.lru_cache(maxsize=1024)
def _oct_key(raw: bytes) -> OctKey:
    """The joserfc key of a client's raw key bytes, imported once (an import checks and copies it)."""
    return OctKey.import_key(raw)


def encrypt(key: dict[str, Any], data: dict[str, Any]) -> str:
    """``data`` as a JWE compact string under ``key`` (what a client sends, and what we answer with)."""
    plaintext = json.dumps(data, ensure_ascii=False).encode()
    return jwe.encrypt_compact(
        {"alg": ALG, "enc": ENC, "kid": key["kid"]}, plaintext, _oct_key(keys.key_bytes(key))
    )
