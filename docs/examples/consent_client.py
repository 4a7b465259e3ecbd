"""A minimal web client of the sandbox: consent in your browser, then print the balances.

    python docs/examples/consent_client.py --client-id c0001-... --client-secret ...

It listens on http://127.0.0.1:8080/callback (the demo clients' registered web server URL), prints the
consent-screen URL to open, exchanges the code it receives (with PKCE) and prints every balance.
Only the standard library and ``requests``.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.server
import secrets
import urllib.parse

import requests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sandbox", default="http://127.0.0.1:8021")
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--scope", default="account offline_access")
    args = parser.parse_args()

    redirect_uri = "http://127.0.0.1:8080/callback"
    state = secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": args.client_id,
            "redirect_uri": redirect_uri,
            "scope": args.scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    print(f"Open this in your browser:\n  {args.sandbox}/auth/v1/authorization?{query}\n", flush=True)

    received: dict[str, str] = {}

    class Callback(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            received.update(params)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            self.wfile.write(b"Done: you can close this tab.\n")

        def log_message(self, *_: object) -> None:
            pass

    with http.server.HTTPServer(("127.0.0.1", 8080), Callback) as server:
        while "code" not in received and "error" not in received:
            server.handle_request()
    if "error" in received:
        raise SystemExit(f"consent failed: {received['error']}: {received.get('error_description', '')}")
    if received.get("state") != state:
        raise SystemExit("state mismatch: not our request")

    tokens = requests.post(
        f"{args.sandbox}/auth/v1/token",
        data={
            "grant_type": "authorization_code",
            "code": received["code"],
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(args.client_id, args.client_secret),
        timeout=30,
    ).json()
    if "access_token" not in tokens:
        raise SystemExit(f"token request failed: {tokens}")
    print(f"got an access token for {tokens['scope']!r}, valid {tokens['expires_in']} s")

    answer = requests.get(
        f"{args.sandbox}/corporation/v1/accounts/balances",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=30,
    ).json()
    print(f"balances at {answer['baseDate']} {answer['baseTime']}:")
    for balance in answer["balances"]:
        print(f"  {balance['accountId']}  {balance['accountTypeName']}  {int(balance['balance']):>15,} yen")


if __name__ == "__main__":
    main()
