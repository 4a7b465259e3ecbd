"""Tokens for one user: consent, refresh before (and once after) expiry, consent again when the grant
has ended, and stop — for good — when the bank revoked it or the contract ended.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, NoReturn

import requests

from sandbox.scenario.reference_client.transport import Answer, BankError, NoAnswer, Transport

log = logging.getLogger("reference_client")
JST = timezone(timedelta(hours=9))
REFRESH_MARGIN = timedelta(seconds=60)  # refresh when less than this is left
FINAL = {  # 401/403 codes after which no token of this grant will work again
    "token_revoked": "the bank revoked the access (§5(5)②) or it was revoked for us",
    "token_invalid": "the bank does not know the token",
    "contract_not_active": "the Web21 contract is suspended or terminated (§7(4)②, §9)",
}


class Stopped(Exception):
    """This user's access is over; an operator must look before anything else is tried."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code, self.reason = code, reason


class BankClock:
    """The bank's time. Against a real bank the system clock; in a rehearsal the contract's clock,
    which jumps when the trainer moves it, so it is read from the sandbox control API."""

    def __init__(self, base_url: str, contract_id: str, sandbox_key: str | None) -> None:
        self.url = f"{base_url.rstrip('/')}/sandbox/v1/contracts/{contract_id}/clock"
        self.key = sandbox_key

    def now(self) -> datetime:
        if not self.key:
            return datetime.now(JST)
        answer = requests.get(self.url, headers={"X-Sandbox-Key": self.key}, timeout=10)
        answer.raise_for_status()
        return datetime.fromisoformat(answer.json()["now"])


@dataclass
class Config:
    base_url: str
    contract_id: str
    client_id: str
    client_secret: str
    sandbox_key: str | None


@dataclass
class Token:
    access: str
    refresh: str | None
    expires_at: datetime


class Session:
    """The tokens of one user (利用者ID) for one purpose (``scope``)."""

    def __init__(self, config: Config, transport: Transport, clock: BankClock, user: str, scope: str) -> None:
        self.config, self.transport, self.clock = config, transport, clock
        self.user, self.scope = user, scope
        self.token: Token | None = None
        self.grant_ends: datetime | None = None
        self.stopped: Stopped | None = None

    # -- what callers use ------------------------------------------------------------------------------

    def headers(self) -> dict[str, str]:
        """A valid bearer header: consent, consent again or refresh first, as the clock says."""
        if self.stopped:
            raise self.stopped
        now = self.clock.now()
        if self.token is None:
            self.consent()
        elif self.grant_ends and now >= self.grant_ends:
            log.info("%s: the grant ended at %s; consenting again (§5(4))", self.user, self.grant_ends)
            self.consent()
        elif now >= self.token.expires_at - REFRESH_MARGIN:
            self.refresh()
        return {"Authorization": f"Bearer {self.token.access}"}

    def call(
        self, method: str, path: str, *, safe: bool, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> Answer:
        """An API call with this user's token; one retry after renewing an expired token."""
        for attempt in (1, 2):
            try:
                return self.transport.call(
                    method, path, safe=safe, headers={**self.headers(), **(headers or {})}, **kwargs
                )
            except BankError as error:
                if attempt == 2 or error.status not in (401, 403) or not self.recover(error):
                    raise
        raise AssertionError("unreachable")

    def recover(self, error: BankError) -> bool:
        """After a 401/403 answer: True when a retry makes sense (the token had expired and is renewed)."""
        if error.code == "token_expired":  # the clock moved further than we knew: refresh once, retry once
            self.refresh()
            return True
        if error.code in FINAL:
            self.stop(error.code, f"{FINAL[error.code]}: {error.message}")
        return False

    def stop(self, code: str, reason: str) -> NoReturn:
        log.error("%s: stopping: %s", self.user, reason)
        self.stopped = Stopped(code, reason)
        raise self.stopped

    def revoke(self) -> None:
        """End the grant at once (RFC 7009); used for the approval token after each approval."""
        if self.token is None:
            return
        self.transport.call(
            "POST",
            "/auth/v1/revoke",
            safe=True,  # revoking twice is harmless
            data={"token": self.token.refresh or self.token.access},
            auth=(self.config.client_id, self.config.client_secret),
        )
        self.token, self.grant_ends = None, None

    # -- getting tokens --------------------------------------------------------------------------------

    def consent(self) -> None:
        """アクセス許可 (§5(3)②). In CI, headless through the sandbox; in production, the consent screen."""
        if not self.config.sandbox_key:
            raise Stopped("consent_needed", f"{self.user} must consent in a browser: open the consent screen")
        answer = requests.post(
            f"{self.config.base_url}/sandbox/v1/contracts/{self.config.contract_id}/authorizations",
            json={"userId": self.user, "clientId": self.config.client_id, "scope": self.scope},
            headers={"X-Sandbox-Key": self.config.sandbox_key},
            timeout=10,
        )
        data = answer.json() if answer.content else {}
        if answer.status_code != 201:
            self.stop(
                data.get("errorCode", "consent_refused"),
                f"consent refused: {data.get('errorDetails') or data}",
            )
        self.grant_ends = (
            datetime.fromisoformat(data["grantExpiresAt"]) if data.get("grantExpiresAt") else None
        )
        self._exchange(
            {"grant_type": "authorization_code", "code": data["code"], "redirect_uri": data["redirectUri"]}
        )
        log.info("%s: consented to %r, grant ends %s", self.user, self.scope, self.grant_ends)

    def refresh(self) -> None:
        """Swap the refresh token for new tokens; a rotated refresh token must never be used again."""
        if self.token is None or self.token.refresh is None:
            self.consent()
            return
        try:
            self._exchange({"grant_type": "refresh_token", "refresh_token": self.token.refresh})
        except BankError as error:
            if error.code != "invalid_grant":
                raise
            if self.grant_ends and self.clock.now() >= self.grant_ends:
                self.consent()  # the grant's time is up (§5(4)): a new consent, not an error
                return
            self.stop("grant_ended", f"the refresh token was refused: {error.message}")
        except NoAnswer:
            # Rotation may have happened without us seeing the answer: the old refresh token is
            # spent, and using it again would revoke the grant. Consent again instead.
            self.consent()

    def _exchange(self, form: dict[str, Any]) -> None:
        # Never retried blindly: a code and a rotated refresh token are single-use.
        issued = self.clock.now()  # before the call: the token cannot have been issued earlier
        answer = self.transport.call(
            "POST",
            "/auth/v1/token",
            safe=False,
            data=form,
            auth=(self.config.client_id, self.config.client_secret),
        )
        data = answer.data
        self.token = Token(
            access=data["access_token"],
            refresh=data.get("refresh_token")
            or (self.token.refresh if self.token and form["grant_type"] == "refresh_token" else None),
            expires_at=issued + timedelta(seconds=int(data["expires_in"])),
        )
