from tests.conftest import ADMIN_KEY


def test_contracts_listed(control):
    body = control("GET", "/contracts", status=200)
    assert [c["contractId"] for c in body["contracts"]] == ["C0001", "C0002", "C0003"]


def test_live_server_answers(live_server):
    import requests

    assert (
        requests.get(
            f"{live_server.url}/sandbox/v1/health", headers={"X-Sandbox-Key": ADMIN_KEY}, timeout=5
        ).json()["status"]
        == "ok"
    )
