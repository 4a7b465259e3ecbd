"""Error codes of the server-connection OAuth and of bearer-token checks (part of the one catalogue).

Errors of the token, revocation and introspection endpoints follow RFC 6749 §5.2 instead (Authlib
renders them); these are the errors of the banking API's token checks and of the control surface.
Every 401/403 carries ``WWW-Authenticate`` per RFC 6750 §3.
"""

from __future__ import annotations

from sandbox.errors import BankError
from sandbox.oauth.scopes import printable

REALM = "web21-sandbox"


def bearer_challenge(
    error: str | None = None, description: str | None = None, scope: str | None = None
) -> str:
    """The ``WWW-Authenticate`` value of RFC 6750 §3 (no error attribute when no token was sent).

    The description is cut to the ASCII RFC 6750 allows: gunicorn answers 500 to other header bytes."""
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        parts.append(f'error_description="{printable(description, 300)}"')
    if scope:
        parts.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(parts)


class TokenMissing(BankError):
    """No access token: send ``Authorization: Bearer <token>`` or ``x-access-token: <token>``."""

    code, status = "token_missing", 401
    message_ja, message_en = "アクセストークンが指定されていません。", "An access token is required."


class AuthorizationMalformed(BankError):
    """The ``Authorization`` header is not ``Bearer <token>``, or two different tokens were sent."""

    code, status = "authorization_malformed", 400
    message_ja, message_en = (
        "認証ヘッダーの形式が正しくありません。",
        "The Authorization header is malformed.",
    )


class TokenInvalid(BankError):
    """The access token is unknown to the sandbox (mistyped, garbage, or from another reset)."""

    code, status = "token_invalid", 401
    message_ja, message_en = "アクセストークンが正しくありません。", "The access token is not valid."


class TokenExpired(BankError):
    """The access token's lifetime is over on the contract clock; refresh it or consent again (§5(3)⑥)."""

    code, status = "token_expired", 401
    message_ja, message_en = "アクセストークンの有効期限が切れています。", "The access token has expired."


class TokenRevoked(BankError):
    """The token or its grant was revoked (by the client, a new consent, refresh-token reuse, a privilege
    removal or the bank, §5(5)); the detail says why."""

    code, status = "token_revoked", 401
    message_ja, message_en = "アクセストークンは無効化されています。", "The access token has been revoked."


class InsufficientScope(BankError):
    """The token's effective services (granted ∩ user privileges ∩ applied services ∩ linkage) do not
    include the one this endpoint needs (§5(3)②, §7(4)①)."""

    code, status = "insufficient_scope", 403
    message_ja, message_en = (
        "このサービスを利用する権限がありません。",
        "The token lacks the required service.",
    )


class ClientNotFound(BankError):
    """No client with this client ID in the contract."""

    code, status = "client_not_found", 404
    message_ja, message_en = "指定されたクライアントは存在しません。", "No such client."


class RedirectUriInvalid(BankError):
    """The web server URL is not an absolute http(s) URL without fragment, or differs from the registered one."""

    code, status = "redirect_uri_invalid", 400
    message_ja, message_en = "WebサーバーのURLが正しくありません。", "The redirect URI is not valid."


class ScopeInvalid(BankError):
    """The scope names an unknown service, no service at all, or mixes ``transfer-approval`` with others (§2(2)④)."""

    code, status = "scope_invalid", 400
    message_ja, message_en = "指定されたスコープが正しくありません。", "The scope is not valid."


class ScopeNotPermitted(BankError):
    """The scope asks for a service outside the user's privileges or the contract's services (§5(3)②)."""

    code, status = "scope_not_permitted", 403
    message_ja, message_en = (
        "利用権限のないサービスが指定されています。",
        "The user may not grant this service.",
    )


class UserLocked(BankError):
    """The user is locked after repeated failed logins (setting ``loginLockoutThreshold``); unlock it first."""

    code, status = "user_locked", 403
    message_ja, message_en = "この利用者IDはロックされています。", "The user is locked."


class GrantNotFound(BankError):
    """No grant (アクセス許可) with this id in the contract."""

    code, status = "grant_not_found", 404
    message_ja, message_en = "指定されたアクセス許可は存在しません。", "No such grant."
