"""The 全銀 file endpoints answer as the OpenAPI document says (bulk result over the banking API too)."""

from __future__ import annotations

from tests.openapi_helpers import assert_conforms

KEY = {"X-Sandbox-Key": "test-admin-key"}
FILES = "/sandbox/v1/contracts/C0001/bulk-files"


def test_upload_result_and_errors_conform(client, bank):
    doc = client.get("/openapi.json").get_json()
    account_id = bank.accounts("C0001")[0]["accountId"]
    data = client.get(
        f"{FILES}/sample", query_string={"accountId": account_id, "items": "2"}, headers=KEY
    ).data
    created = client.post(FILES, data=data, headers=KEY)
    assert created.status_code == 201
    assert_conforms(doc, "/sandbox/v1/contracts/{contractId}/bulk-files", "post", created)
    refused = client.post(FILES, data=data[:-3], headers=KEY)
    assert refused.status_code == 400
    assert_conforms(doc, "/sandbox/v1/contracts/{contractId}/bulk-files", "post", refused)
    apply_no = created.get_json()["bulkTransfer"]["applyNo"]
    token = bank.token("C0001", "account")
    shown = client.get(
        "/corporation/v1/bulktransfer/result",
        query_string={"accountId": account_id, "applyNo": apply_no},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert_conforms(doc, "/corporation/v1/bulktransfer/result", "get", shown)
    assert [i["outcome"] for i in shown.get_json()["items"]] == ["pending", "pending"]
    hidden = client.get(
        "/corporation/v1/bulktransfer/result",
        query_string={"accountId": account_id, "applyNo": apply_no},
        headers={"Authorization": f"Bearer {bank.token('C0003', 'account')}"},
    )
    assert hidden.status_code == 404
    assert_conforms(doc, "/corporation/v1/bulktransfer/result", "get", hidden)
