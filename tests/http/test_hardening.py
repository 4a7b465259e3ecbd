"""Issue 13 (hardening): bad input is a JSON error with a stable code, never a 500 or an HTML page."""

from __future__ import annotations

from sandbox.bank.transfers import lifecycle as transfers
from tests.http.test_ui import UI, login


def test_the_transfer_status_filter_answers_200_for_every_status(client, control):
    login(client)
    listed = control("GET", "/contracts/C0001/transfers")["transfers"]
    for code in transfers.STATUS_NAMES:
        response = client.get(f"{UI}/contracts/C0001/transfers?status={code}")
        assert response.status_code == 200, code
        shown = response.get_data(as_text=True).count('id="transfer-')
        assert shown == min(50, sum(tr["transferStatus"] == code for tr in listed)), code
