"""Rate limits as a contract setting: a token bucket per client, so a client meets 429 without a fault rule.

``rateLimit: {"requestsPerSecond": R, "burst": B}`` (R 0 = off, the default) gives each client of the
contract a bucket of B tokens that refills at R a second. Every ``/corporation/v1`` call made with one of
the client's access tokens takes a token; with none left the call is refused before it runs with 429
``rate_limited`` and ``Retry-After`` (whole seconds until a token is there, at least 1). Calls of the
token endpoint and the consent screen are not limited.

The buckets live in the request log's file (``<db>.requests.db``, ``logfile.py``), never in a process:
several workers share them, and taking a token is one atomic upsert that takes the log's write lock, not
the bank's. Time is the wall clock: a rate is about real requests, whatever the contract clock does (a
frozen contract clock must not stop the bucket refilling). A contract without the setting pays one
substring test per request.
"""

from __future__ import annotations

import json
import math
from typing import Any

from sandbox import clock
from sandbox.store import Database
from sandbox.wire import logfile
from sandbox.wire.errors import RateLimited
from sandbox.wire.identify import Who

SETTING = "rateLimit"
LIMITED = "/corporation/v1"
# One token, atomically: a new bucket starts full (less this call); an existing one refills for the time
# since it was last touched, up to the burst, and gives a token only when it has a whole one.
_TAKE = """
INSERT INTO rate_buckets (contract_id, client_id, tokens, at) VALUES (:contract, :client, :burst - 1, :now)
ON CONFLICT (contract_id, client_id) DO UPDATE
SET tokens = MIN(:burst, tokens + MAX(0, :now - at) * :rate) - 1, at = MAX(at, :now)
WHERE MIN(:burst, tokens + MAX(0, :now - at) * :rate) >= 1
RETURNING tokens
"""
_LEVEL = (
    "SELECT MIN(:burst, tokens + MAX(0, :now - at) * :rate) FROM rate_buckets"
    " WHERE contract_id = :contract AND client_id = :client"
)


def policy(contract: dict[str, Any] | None) -> tuple[float, int] | None:
    """``(requests per second, burst)`` of the contract's ``rateLimit`` setting, or None when it is off."""
    raw = (contract or {}).get("settings") or ""
    if isinstance(raw, str):
        if f'"{SETTING}"' not in raw:
            return None  # the default: no decoding on the hot path
        raw = json.loads(raw)
    limit = raw.get(SETTING)
    if not limit or not limit.get("requestsPerSecond"):
        return None
    return float(limit["requestsPerSecond"]), int(limit["burst"])


def take(
    log: Database, contract_id: str, client_id: str, rate: float, burst: int, now: float
) -> float | None:
    """Take one token from the client's bucket at wall time ``now`` (seconds); None when one was taken,
    else the seconds until one will be there."""
    values = {"contract": contract_id, "client": client_id, "rate": rate, "burst": burst, "now": now}
    if log.conn.execute(_TAKE, values).fetchone() is not None:
        return None
    level = log.conn.execute(_LEVEL, values).fetchone()[0]
    return max(0.0, (1 - level) / rate)


def refusal(
    db: Database, who: Who, contract: dict[str, Any] | None, path: str
) -> tuple[RateLimited, str] | None:
    """The 429 that refuses this call, with its request-log label (``rateLimit``), or None to let it pass."""
    if who.client_id is None or who.contract_id is None or not path.startswith(LIMITED):
        return None
    found = policy(contract)
    if found is None:
        return None
    rate, burst = found
    wait = take(logfile.beside(db), who.contract_id, who.client_id, rate, burst, clock.wall_now().timestamp())
    if wait is None:
        return None
    seconds = max(1, math.ceil(wait))
    detail = (
        f"client {who.client_id} may make {rate:g} requests a second in bursts of up to {burst};"
        f" try again in {seconds} s"
    )
    return RateLimited(detail, headers={"Retry-After": str(seconds)}), SETTING
