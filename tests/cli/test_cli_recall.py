"""``web21-sandbox transfer recall`` and the ``item-outcome`` / ``recall`` incidents from the CLI."""

from __future__ import annotations

import json

from tests.outcomes.helpers import magic_item


def paid(bank, number: str = "1234567", amount: int = 70_000) -> str:
    apply_no = bank.request("C0001", [magic_item(number, amount)])
    assert bank.approve("C0001", apply_no)["transferStatus"] == "20"
    return apply_no


def test_recall_prints_the_request_and_its_fee(runner, bank, control):
    apply_no = paid(bank)
    result = runner("transfer", "recall", "--contract", "C0001", "--apply-no", apply_no)
    assert result.exit_code == 0, result.output
    assert result.output == f"recall requested for {apply_no} items 1: 24 組戻手続中, recall fee 880 yen\n"
    again = runner("transfer", "recall", "--contract", "C0001", "--apply-no", apply_no, "--json")
    assert again.exit_code == 1 and "recall_not_possible" in again.output
    control.advance("C0001", "1d")
    assert bank.status("C0001", apply_no)["transferStatus"] == "25"


def test_recall_of_chosen_items_as_json(runner, bank):
    apply_no = bank.request("C0001", [magic_item("1234567", 10_000), magic_item("9990008", 20_000, 2)])
    bank.approve("C0001", apply_no)
    result = runner(
        "transfer", "recall", "--contract", "C0001", "--apply-no", apply_no, "--items", "2", "--json"
    )
    shown = json.loads(result.output)
    assert shown["itemIds"] == [2] and shown["transferStatus"] == "24"
    bad = runner("transfer", "recall", "--contract", "C0001", "--apply-no", apply_no, "--items", "x")
    assert bad.exit_code == 2 and "--items" in bad.output


def test_incidents_item_outcome_and_recall(runner, bank):
    apply_no = paid(bank)
    result = runner(
        "incident",
        "item-outcome",
        "--contract",
        "C0001",
        "--apply-no",
        apply_no,
        "--item",
        "1",
        "--outcome",
        "return",
        "--reason",
        "closed",
    )
    assert result.exit_code == 0, result.output
    shown = bank.status("C0001", apply_no)
    assert shown["transferStatus"] == "22" and shown["unableDetailInfos"][0]["unableReason"] == "closed"
    other = paid(bank)
    result = runner("incident", "recall", "--contract", "C0001", "--apply-no", other, "--items", "1")
    assert result.exit_code == 0, result.output
    assert bank.status("C0001", other)["transferStatus"] == "24"
