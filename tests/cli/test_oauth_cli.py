"""``web21-sandbox client``, ``token`` and ``user`` in-process on the test database."""

from __future__ import annotations

import json
import subprocess

from tests.oauth_helpers import bearer


def test_client_register_and_list(runner):
    result = runner("client", "register", "--contract", "C0003", "--redirect-uri", "http://127.0.0.1:3000/cb")
    assert result.exit_code == 0, result.output
    registered = json.loads(result.output)
    assert registered["clientId"].startswith("c0003-") and len(registered["clientSecret"]) >= 20
    assert registered["keyId"].startswith("k-") and registered["clientType"] == "confidential"
    listed = runner("client", "list", "--contract", "C0003").output
    assert registered["clientId"] in listed and "http://127.0.0.1:3000/cb" in listed
    assert "secret=" in listed.splitlines()[0]  # the demo client's published secret
    assert f"kid={registered['keyId']}  key={registered['encryptionKey']}" in listed  # what transfers need
    as_json = json.loads(runner("client", "list", "--contract", "C0003", "--json").output)
    assert registered["clientId"] in [c["clientId"] for c in as_json["clients"]]
    bad = runner("client", "register", "--contract", "C0003", "--redirect-uri", "not-a-url")
    assert bad.exit_code != 0 and "redirect_uri_invalid" in bad.output


def test_token_mint_gives_a_working_token(runner, client):
    result = runner("token", "mint", "--contract", "C0001", "--user", "c0001-viewer")
    assert result.exit_code == 0, result.output
    tokens = json.loads(result.output)
    assert tokens["scope"] == "account offline_access" and tokens["refresh_token"]
    assert client.get("/corporation/v1/accounts", headers=bearer(tokens)).status_code == 200
    env = runner(
        "token",
        "mint",
        "--contract",
        "C0001",
        "--user",
        "c0001-approver",
        "--scope",
        "transfer-approval",
        "--env",
    )
    lines = env.output.splitlines()
    assert lines[0].startswith("export WEB21_ACCESS_TOKEN=") and not any(
        "WEB21_REFRESH" in line for line in lines
    )
    assert all(line.startswith("export WEB21_") for line in lines)
    refused = runner("token", "mint", "--contract", "C0001", "--user", "c0001-viewer", "--scope", "transfer")
    assert refused.exit_code != 0 and "scope_not_permitted" in refused.output


def test_token_mint_with_a_registered_client(runner):
    registered = json.loads(
        runner(
            "client",
            "register",
            "--contract",
            "C0001",
            "--redirect-uri",
            "http://127.0.0.1:3000/cb",
            "--secret",
            "s3cret-pass",
        ).output
    )
    ok = runner(
        "token",
        "mint",
        "--contract",
        "C0001",
        "--user",
        "c0001-viewer",
        "--client-id",
        registered["clientId"],
        "--client-secret",
        "s3cret-pass",
    )
    assert ok.exit_code == 0 and json.loads(ok.output)["access_token"]
    wrong = runner(
        "token",
        "mint",
        "--contract",
        "C0001",
        "--user",
        "c0001-viewer",
        "--client-id",
        registered["clientId"],
        "--client-secret",
        "wrong-pass",
    )
    assert wrong.exit_code != 0 and "invalid_client" in wrong.output


def test_token_list_and_revoke(runner, client):
    tokens = json.loads(runner("token", "mint", "--contract", "C0001", "--user", "c0001-viewer").output)
    listed = runner("token", "list", "--contract", "C0001").output
    assert "active" in listed and "c0001-viewer" in listed
    grant_id = listed.split()[0]
    revoked = runner("token", "revoke", grant_id, "--contract", "C0001")
    assert revoked.output.strip() == f"grant {grant_id} revoked (control)"
    assert (
        client.get("/corporation/v1/accounts", headers=bearer(tokens)).get_json()["errorCode"]
        == "token_revoked"
    )
    assert "(control)" in runner("token", "list", "--contract", "C0001").output
    assert runner("token", "list", "--contract", "C0003").output.strip() == "no grants in C0003"


def test_user_privileges_and_unlock(runner, client):
    tokens = json.loads(runner("token", "mint", "--contract", "C0001", "--user", "c0001-clerk").output)
    narrowed = runner("user", "privileges", "--contract", "C0001", "--user", "c0001-clerk", "transfer")
    assert narrowed.output.strip() == "c0001-clerk: transfer"
    assert (
        client.get("/corporation/v1/accounts", headers=bearer(tokens)).get_json()["errorCode"]
        == "insufficient_scope"
    )
    removed = runner("user", "privileges", "--contract", "C0001", "--user", "c0001-clerk")
    assert removed.output.strip() == "c0001-clerk: no privileges; 1 grant(s) revoked"
    assert (
        runner("user", "unlock", "--contract", "C0001", "--user", "c0001-clerk").output.strip()
        == "c0001-clerk: unlocked"
    )


def test_every_command_has_an_example(runner):
    for args in (
        ["client"],
        ["client", "register"],
        ["client", "list"],
        ["token"],
        ["token", "mint"],
        ["token", "list"],
        ["token", "revoke"],
        ["user"],
        ["user", "privileges"],
        ["user", "unlock"],
    ):
        assert "Example:" in runner(*args, "--help").output, args


def test_token_mint_env_reaches_a_child_process(runner):
    """``eval "$(web21-sandbox token mint --env)"`` must export: a plain VAR=value stays in the shell."""
    env = runner("token", "mint", "--contract", "C0001", "--user", "c0001-viewer", "--env")
    script = env.output + 'exec sh -c \'printf "%s" "$WEB21_ACCESS_TOKEN"\'\n'
    child = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=True)
    assert len(child.stdout) > 20 and child.stdout in env.output
