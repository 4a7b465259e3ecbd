"""``statementPageSize``: pages of a handful of lines, and the request log keeping each page's keys as text —
the key a request carried and the key its answer gave — so a grader can hold a client to paging with the
bank's key exactly as sent (scenario item-key-paging)."""

from __future__ import annotations

import pytest

from tests.oauth_helpers import bearer, mint_tokens

API = "/corporation/v1"


@pytest.fixture
def viewer(client, control):
    return mint_tokens(client, control, "C0003", "c0003-viewer")


def page(client, tokens, path, **params):
    answer = client.get(f"{API}{path}", headers=bearer(tokens), query_string=params)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def read_all(client, tokens, path, name, **params):
    """Every page, following nextItemKey exactly as given; the lines and the answers."""
    answers = [page(client, tokens, path, **params)]
    while answers[-1]["hasNext"]:
        answers.append(page(client, tokens, path, **params, nextItemKey=answers[-1]["nextItemKey"]))
    return [line for a in answers for line in a[name]], answers


@pytest.mark.parametrize(
    ("path", "name"),
    [("/accounts/transactions", "transactions"), ("/accounts/deposit-transactions", "depositTransactions")],
)
def test_small_pages_hold_the_same_lines_as_one_page(client, control, viewer, path, name):
    account = page(client, viewer, "/accounts")["accounts"][0]["accountId"]
    for amount in range(1001, 1008):
        control("POST", "/contracts/C0003/deposits", {"accountId": account, "amount": amount}, status=201)
    whole, _ = read_all(client, viewer, path, name, accountId=account, dateFrom="2026-03-01")
    control("PATCH", "/contracts/C0003/settings", {"statementPageSize": 3}, status=200)
    paged, answers = read_all(client, viewer, path, name, accountId=account, dateFrom="2026-03-01")
    assert paged == whole and len(answers) == -(-len(whole) // 3) > 2
    assert all(a["count"] == 3 for a in answers[:-1]) and 1 <= answers[-1]["count"] <= 3
    assert [a["nextItemKey"] for a in answers[:-1]] == [a[name][-1]["itemKey"] for a in answers[:-1]]
    assert "nextItemKey" not in answers[-1] and answers[-1]["hasNext"] is False


@pytest.mark.parametrize("value", [0, 501, "10", True])
def test_page_size_setting_is_checked(control, value):
    answer = control("PATCH", "/contracts/C0003/settings", {"statementPageSize": value}, status=400)
    assert answer["errorCode"] == "invalid_parameter"


def test_the_request_log_keeps_the_keys_sent_and_answered_as_text(client, control, viewer):
    account = page(client, viewer, "/accounts")["accounts"][0]["accountId"]
    control("PATCH", "/contracts/C0003/settings", {"statementPageSize": 2}, status=200)
    first = page(client, viewer, "/accounts/transactions", accountId=account, dateFrom="2026-03-01")
    rounded = str(int(float(first["nextItemKey"])))  # a key read as a number and printed back
    assert rounded != first["nextItemKey"] and len(rounded) == 20
    second = page(
        client,
        viewer,
        "/accounts/transactions",
        accountId=account,
        dateFrom="2026-03-01",
        nextItemKey=rounded,
    )
    refused = client.get(
        f"{API}/accounts/transactions",
        headers=bearer(viewer),
        query_string={"accountId": account, "nextItemKey": "2.02604011e+19"},
    )
    assert refused.status_code == 400
    log = control("GET", "/requests?contractId=C0003&path=/corporation/v1/accounts/transactions", status=200)
    entries = log["requests"][-3:]
    assert "nextItemKey" not in entries[0] and entries[0]["answeredNextItemKey"] == first["nextItemKey"]
    assert entries[1]["nextItemKey"] == rounded and entries[1]["answeredNextItemKey"] == second["nextItemKey"]
    assert entries[2]["nextItemKey"] == "2.02604011e+19" and "answeredNextItemKey" not in entries[2]
