"""Client secrets are stored hashed: one the sandbox draws (144 random bits: demo clients, a registration
without ``clientSecret``) with a single salted round, one a person chose with the configured pbkdf2."""

from __future__ import annotations

from sandbox.oauth import clients
from sandbox.store import connect
from tests.oauth_helpers import mint_tokens

REDIRECT = "https://erp.example.com/callback"


def stored_hash(db_path, client_id: str) -> str:
    db = connect(db_path)
    found = db.conn.execute(
        "SELECT secret_hash FROM oauth_clients WHERE client_id = ?", (client_id,)
    ).fetchone()
    db.conn.close()
    return found[0]


def test_drawn_and_chosen_secrets_both_authenticate(client, control, db_path, app):
    drawn = control("POST", "/contracts/C0001/clients", {"redirectUri": REDIRECT}, status=201)
    chosen = control(
        "POST",
        "/contracts/C0001/clients",
        {"redirectUri": REDIRECT, "clientSecret": "my own secret"},
        status=201,
    )
    assert stored_hash(db_path, drawn["clientId"]).startswith(clients.DRAWN_SECRET_HASH + "$")
    assert stored_hash(db_path, chosen["clientId"]).startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    for registered, secret in ((drawn, drawn["clientSecret"]), (chosen, "my own secret")):
        tokens = mint_tokens(
            client, control, "C0001", "c0001-viewer", client_id=registered["clientId"], client_secret=secret
        )
        assert tokens["access_token"]
        wrong = client.post(
            "/auth/v1/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            auth=(registered["clientId"], secret + "x"),
        )
        assert wrong.status_code == 401


def test_the_demo_clients_secrets_are_drawn(control, db_path):
    demo = next(
        c
        for c in control("GET", "/contracts/C0001/clients", status=200)["clients"]
        if c.get("demoClientSecret")
    )
    assert stored_hash(db_path, demo["clientId"]).startswith(clients.DRAWN_SECRET_HASH + "$")
