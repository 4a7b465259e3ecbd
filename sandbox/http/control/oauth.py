"""``/sandbox/v1`` for the OAuth side: clients, headless consent, grants, user privileges and lockout."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response

from sandbox import clock
from sandbox.bank import contracts, keys, users
from sandbox.errors import InvalidParameter
from sandbox.fields import field
from sandbox.http.control import auth
from sandbox.http.web import json_body, reply
from sandbox.oauth import clients, consent, grant_views, grants
from sandbox.oauth.server import issuer
from sandbox.store import get_db

bp = Blueprint("oauth_control", __name__)
bp.before_request(auth.authenticate)


@bp.get("/contracts/<contract_id>/clients")
def list_clients(contract_id: str) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    contracts.get(db, contract_id)
    found = [clients.public_view(db, c) for c in clients.for_contract(db, contract_id)]
    return reply({"clients": found, "count": len(found)})


@bp.post("/contracts/<contract_id>/clients")
def register_client(contract_id: str) -> Response:
    """Register a client (§5(2)): the contractor's web server URL and client password in, client ID and key out."""
    auth.allow_contract(contract_id)
    data = json_body()
    client_type = field(data, "clientType", required=False) or "confidential"
    if client_type not in ("confidential", "public"):
        raise InvalidParameter("clientType must be confidential or public", field="clientType")
    registered = clients.enrol(
        get_db(),
        contract_id,
        redirect_uri=field(data, "redirectUri"),
        secret=field(data, "clientSecret", required=False),
        name=field(data, "name", required=False),
        public=client_type == "public",
    )
    return reply(registered, 201)


@bp.get("/contracts/<contract_id>/clients/<client_id>")
def show_client(contract_id: str, client_id: str) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    found = clients.get(db, client_id, contract_id)
    issued = [
        {
            "keyId": k["kid"],
            "encryptionKey": k["key"],
            **({"retiredAt": _api(k["retired_at"])} if k["retired_at"] else {}),
        }
        for k in keys.keys(db, client_id)
    ]
    return reply({**clients.public_view(db, found), "keys": issued})


@bp.post("/contracts/<contract_id>/authorizations")
def headless_consent(contract_id: str) -> Response:
    """Consent without a browser (CI): an authorization code to exchange at ``/auth/v1/token`` as usual."""
    auth.allow_contract(contract_id)
    data = json_body()
    user_ref = field(data, "userId", (str, int))
    state = field(data, "state", required=False)
    done = consent.headless(
        get_db(),
        contract_id,
        user_ref=user_ref,
        client_id=field(data, "clientId"),
        scope=field(data, "scope"),
        redirect_uri=field(data, "redirectUri", required=False),
        challenge=field(data, "codeChallenge", required=False),
        method=field(data, "codeChallengeMethod", required=False),
    )
    grant, client = done["grant"], done["client"]
    # the redirect a browser would have followed, iss included (RFC 9207) as in the consent pages' answer
    query = {"code": done["code"], **({"state": state} if state else {}), "iss": issuer()}
    lifetime = contracts.code_lifetime(done["contract"])
    return reply(
        {
            "code": done["code"],
            "redirectUri": client["redirect_uri"],
            "location": f"{client['redirect_uri']}{'&' if '?' in client['redirect_uri'] else '?'}{urlencode(query)}",
            **({"state": state} if state else {}),
            "clientId": client["client_id"],
            "userId": users.get(get_db(), contract_id, user_ref)["login_id"],
            "scope": grant["scope"],
            "grantId": grant["id"],
            "codeExpiresIn": lifetime,
            "grantExpiresAt": _api(grant["expires_at"]),
        },
        201,
    )


@bp.get("/contracts/<contract_id>/authorizations")
def list_grants(contract_id: str) -> Response:
    """Grants (アクセス許可) with their tokens and, for those that ended, why."""
    auth.allow_contract(contract_id)
    found = grant_views.current(get_db(), contract_id)
    return reply({"authorizations": found, "count": len(found)})


@bp.delete("/contracts/<contract_id>/authorizations/<int:grant_id>")
def revoke(contract_id: str, grant_id: int) -> Response:
    auth.allow_contract(contract_id)
    db = get_db()
    grant, now = grants.revoke(db, contract_id, grant_id)
    return reply(grant_views.view(db, grant, now))


@bp.put("/contracts/<contract_id>/users/<user>/privileges")
def put_privileges(contract_id: str, user: str) -> Response:
    """Set a user's server-connection privileges; an empty list ends the user's grants (§5(5)①)."""
    auth.allow_contract(contract_id)
    data = json_body()
    privileges = field(data, "privileges", list)
    db = get_db()
    _user, ended = grants.set_privileges(db, contract_id, user, privileges)
    return reply({**users.public(users.get(db, contract_id, user)), "grantsRevoked": ended})


@bp.post("/contracts/<contract_id>/users/<user>/unlock")
def unlock(contract_id: str, user: str) -> Response:
    """Clear a lockout after repeated failed logins (setting ``loginLockoutThreshold``)."""
    auth.allow_contract(contract_id)
    db = get_db()
    consent.unlock(db, contract_id, user)
    return reply(users.public(users.get(db, contract_id, user)))


def _api(stamp: str | None) -> str | None:
    return clock.to_api(clock.from_db(stamp)) if stamp else None
