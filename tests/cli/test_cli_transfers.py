"""``web21-sandbox transfers list|show`` through CliRunner on the test database."""

from __future__ import annotations

import json


def test_list_shows_the_demo_requests_one_line_each(runner):
    result = runner("transfers", "list", "--contract", "C0001")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[1] for line in lines] == ["5", "3", "4", "8", "20", "22", "40", "11", "2"]
    assert lines[4] == (
        "2026040100000005  20 手続済      2026-04-01  791011571600   2 items      2,001,300 yen"
        "  fee   880  c0001-clerk → c0001-approver"
    )


def test_list_by_status_and_as_json(runner):
    reserved = runner("transfers", "list", "--contract", "C0002", "--status", "11", "--json")
    answer = json.loads(reserved.output)
    assert answer["count"] == 1 and answer["transfers"][0]["transferStatusName"] == "予約中"
    assert runner("transfers", "list", "--contract", "C0002", "--status", "12").output == (
        "no transfer requests in C0002 with status 12\n"
    )
    bad = runner("transfers", "list", "--contract", "C0002", "--status", "7")
    assert bad.exit_code == 1 and bad.output.startswith("Error: invalid_parameter: status must be one of")


def test_show_gives_items_in_clear_and_the_history(runner):
    shown = json.loads(runner("transfers", "show", "2026040100000005", "--contract", "C0001").output)
    assert shown["transfers"][0]["beneficiaryAccountId"]  # the demo's transfer to another sandbox contract
    assert [h["transferStatus"] for h in shown["history"]] == ["2", "12", "20"]
    missing = runner("transfers", "show", "2026040100000005", "--contract", "C0003")
    assert (
        missing.output
        == "Error: transfer_not_found: no transfer request '2026040100000005' on this account\n"
    )
