"""Configuration defaults, each overridable by a ``WEB21_SANDBOX_*`` environment variable."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

VERSION = "0.1.0"  # also sandbox.__version__
PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    "DATABASE": "var/sandbox.db",
    "ADMIN_KEY": None,  # None: generated once and kept beside the database
    "SEED_DIR": str(PROJECT_ROOT / "seed"),
    "SCENARIO_DIR": str(PROJECT_ROOT / "scenarios"),
    "HOST": "127.0.0.1",
    "PORT": 8021,
    "WORKERS": 2,
    "THREADS": 32,  # a slow client or a held fault occupies one (issue 13)
    # Password hashing cost: a sandbox needs hashed passwords, not slow ones.
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:20000",
    "REQUEST_LOG_MAX_ROWS": 50_000,
    # Largest request body in bytes (WEB21_SANDBOX_MAX_BODY); a larger declared body is refused with 413
    # payload_too_large before it is read. Applied as Flask's MAX_CONTENT_LENGTH.
    "MAX_BODY": 8 * 1024 * 1024,  # 8 MiB: a 9,999-item bulk request with sealed beneficiaries is ~4 MB
    # Notification delivery (sandbox/notify/): hosts besides loopback a notificationUrl may name
    # (comma-separated; "*" any), whether each server worker runs a delivery thread, and its timeouts.
    "NOTIFY_ALLOWED_HOSTS": "",
    "NOTIFY_WORKER": 1,
    "NOTIFY_TIMEOUT_MS": 5000,
    # Requests of one contract a worker process serves at once, held and trickled ones included
    # (WEB21_SANDBOX_MAX_IN_FLIGHT_PER_CONTRACT): half a worker's threads; the next is answered 429
    # too_many_in_flight at once.
    "MAX_IN_FLIGHT_PER_CONTRACT": 16,
    # Requests a worker process computes at once (WEB21_SANDBOX_COMPUTING_PER_WORKER): the others wait for a
    # slot; a slow client's headers or body, and an answer held, delayed or trickled by a fault, wait outside.
    "COMPUTING_PER_WORKER": 4,
}

# Per-contract settings (PATCH /sandbox/v1/contracts/{id}/settings). Sandbox defaults, not the bank's.
CONTRACT_SETTINGS: dict[str, Any] = {
    "accessTokenLifetime": 3600,  # seconds
    "refreshTokenRotation": True,
    "grantLifetime": 90 * 86400,  # seconds (§5(3)⑥, §5(4))
    "codeLifetime": 600,  # seconds
    "revokePreviousGrant": True,
    "loginLockoutThreshold": 5,
    "cutoffTime": "15:00",  # same-day transfer cut-off, JST (§2(4))
    "serviceHours": {"start": "00:00", "end": "24:00"},  # (§2(4))
    "fieldEncryption": "required",  # required | optional | off (§5(2)②)
    "selfApproval": False,
    "monthlyFee": 2200,  # yen, charged on monthlyFeeDay (§2(5))
    "monthlyFeeDay": 10,
    "transferFees": {  # sandbox defaults, not any bank's real fees (§2(5))
        "sameBranch": {"under30000": 0, "from30000": 0},
        "sameBank": {"under30000": 110, "from30000": 220},
        "otherBank": {"under30000": 440, "from30000": 660},
    },
    "requestExpiryDays": 0,  # an unapproved request expires at the cut-off of its designated date
    "bulkTransferMaxItems": 9999,  # items in one bulk request (Web21 plans: 20,000 or 30)
    "bulkTransferLeadDays": 1,  # business days before the designated date to request and approve by
    "bulkSalaryLeadDays": 3,  # the same for salary and bonus (種別 11/12)
    # default: today's rules. fapi: a FAPI 2.0-style profile: PKCE S256 of every client (as pkceRequired),
    # codes live at most 60 s; iss is in every authorization response under both, nonce/id_token under neither
    "oauthProfile": "default",
    "pkceRequired": False,  # True: PKCE S256 for every client, confidential ones too (a FAPI-style profile)
    # months of statement history (first day of the month N months back); 0 = no limit. Web21 plans: 12, 6, 1
    "statementHistoryMonths": 0,
    # where payment notifications are delivered (webhooks); "" = none. Loopback only unless the operator
    # allows other hosts (NOTIFY_ALLOWED_HOSTS)
    "notificationUrl": "",
    # seconds a transfer to another bank stays 12 手続中 before the clearing step (a clock event) decides
    # its items; 0 = decided at execution, in the same step (docs/transfers.md, "Outcomes")
    "clearingDelaySeconds": 0,
    "recallFee": 880,  # yen, 組戻手数料 charged when a recall (組戻) is requested; sandbox default
    # 振込限度額 (sandbox/bank/limits.py): yen one account may send on one day; 0 = no limit
    "transferLimitAmount": 0,
    "dailyTransferLimit": 0,  # yen all the contract's accounts together may send on one day; 0 = no limit
    # a token bucket per client over /corporation/v1 (sandbox/wire/ratelimit.py); requestsPerSecond 0 = off
    "rateLimit": {"requestsPerSecond": 0, "burst": 10},
    # statement lines per page (nextItemKey): the bank's 500; fewer rehearse paging with a handful of lines
    "statementPageSize": 500,
}


def from_env(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the app config: defaults, then ``WEB21_SANDBOX_<KEY>`` variables, then ``overrides``."""
    config = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        raw = os.environ.get(f"WEB21_SANDBOX_{key}")
        if raw is not None:
            config[key] = type(default)(raw) if isinstance(default, int) else raw
    config.update(overrides or {})
    return config
