"""docs/transfers.md names every transfer error code, status code, CLI command, setting and endpoint."""

from __future__ import annotations

from sandbox.bank.transfers import errors as transfer_errors
from sandbox.bank.transfers import lifecycle as transfers
from sandbox.cli.main import main
from sandbox.errors import BankError
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "transfers.md").read_text(encoding="utf-8")
SETTINGS = (
    "cutoffTime",
    "fieldEncryption",
    "selfApproval",
    "monthlyFee",
    "monthlyFeeDay",
    "transferFees",
    "requestExpiryDays",
)


def test_every_error_code_is_documented():
    codes = [
        cls.code
        for cls in vars(transfer_errors).values()
        if isinstance(cls, type) and issubclass(cls, BankError) and cls.__module__ == transfer_errors.__name__
    ]
    assert len(codes) == 17
    assert [c for c in codes if f"`{c}`" not in DOC] == []


def test_statuses_commands_settings_and_endpoints_are_documented():
    assert [s for s in transfers.STATUS_NAMES if f"| `{s}` | {transfers.STATUS_NAMES[s]} |" not in DOC] == []
    assert [n for n in main.commands["transfers"].commands if f"web21-sandbox transfers {n}" not in DOC] == []
    assert [s for s in SETTINGS if f"`{s}`" not in DOC] == []
    for path in ("transferfee", "request", "request-result", "status", "cancel", "approval"):
        assert f"/transfer/{path}" in DOC, path


def test_the_jwe_example_in_the_docs_runs(client, control):
    """The Python in the field-encryption section, run as written, makes a JWE the sandbox accepts."""
    from tests.oauth_helpers import demo_client
    from tests.transfer_helpers import Bank

    snippet = DOC.split("```python\n", 1)[1].split("```", 1)[0]
    demo = demo_client(control, "C0003")
    scope = {"encryption_key": demo["encryptionKey"], "key_id": demo["keyId"]}
    exec(snippet, scope)  # noqa: S102 - our own documentation
    bank = Bank(client, control)
    body = {"accountId": bank.accounts("C0003")[0]["accountId"], "transfers": [scope["item"]]}
    assert bank.post("/transfer/request", body, bank.token("C0003")).status_code == 201
