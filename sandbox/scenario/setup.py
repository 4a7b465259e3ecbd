"""A run's stage: the contract it plays on, the client it registers, and what the client under test is given.

A fresh contract (``POST /sandbox/v1/contracts``) comes with its own key, users and demo client; an
existing one gets a client registered for the run and is reached with the runner's own key.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sandbox.scenario.target import RunAbort, Sandbox
from sandbox.scenario.types import PLACEHOLDER, Scenario

REDIRECT_URI = "http://127.0.0.1:8080/callback"
# Where a `transfer` step without `to` sends money: an account at another bank (fees: otherBank tier).
DEFAULT_BENEFICIARY = {
    "bankCode": "0005",
    "branchCode": "001",
    "accountType": "1",
    "accountNumber": "1234567",
    "name": "ｶ)ﾃｽﾄｼﾖｳｼﾞ",
}


@dataclass
class Stage:
    """Everything the runner and the client under test need to know about the contract."""

    contract_id: str
    key: str
    client_id: str
    client_secret: str | None
    redirect_uri: str
    key_id: str | None = None
    encryption_key: str | None = None
    users: dict[str, str] = field(default_factory=dict)  # role -> 利用者ID
    password: str | None = None
    accounts: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)  # placeholders: {operator}, {applyNo}...
    resume_clock: bool = False  # an adopted contract's clock was running before the run
    notes: list[str] = field(default_factory=list)
    lookup: Callable[[str], str | None] | None = None  # placeholders read from the bank when filled

    def env(self, url: str, scenario: str) -> dict[str, str]:
        """The environment variables the client under test reads (docs/scenarios.md lists them)."""
        env = {
            "WEB21_SANDBOX_URL": url,
            "WEB21_SANDBOX_KEY": self.key,
            "WEB21_CONTRACT_ID": self.contract_id,
            "WEB21_CLIENT_ID": self.client_id,
            "WEB21_CLIENT_SECRET": self.client_secret or "",
            "WEB21_REDIRECT_URI": self.redirect_uri,
            "WEB21_KEY_ID": self.key_id or "",
            "WEB21_ENCRYPTION_KEY": self.encryption_key or "",
            "WEB21_OPERATOR_ID": self.users.get("operator", ""),
            "WEB21_APPROVER_ID": self.users.get("approver", ""),
            "WEB21_USER_PASSWORD": self.password or "",
            "WEB21_SCENARIO": scenario,
            "WEB21_SCENARIO_PROTOCOL": "jsonl-1",
        }
        return env

    def fill(self, value: Any) -> Any:
        """Replace ``{operator}``, ``{client}``, ``{applyNo}``... in the strings of a step body."""
        if isinstance(value, dict):
            return {k: self.fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.fill(v) for v in value]
        if not isinstance(value, str):
            return value

        def one(found: re.Match[str]) -> str:
            name = found.group(1)
            known = self.lookup(name) if name not in self.values and self.lookup else None
            if known is not None:
                return known
            if name not in self.values:
                raise RunAbort(f"{{{name}}} has no value yet (known now: {', '.join(sorted(self.values))})")
            return self.values[name]

        return PLACEHOLDER.sub(one, value)


def remember_evidence(stage: Stage, label: str, entry: dict[str, Any]) -> None:
    """Fill ``{<label>.<field>}`` from the first entry that satisfied the step labelled ``label``:
    a value read from the bank's side (``{lost.applyNo}``: the transfer a lost request made)."""

    def flat(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                flat(f"{prefix}.{key}", inner)
        elif value is not None and not isinstance(value, list):
            stage.values[prefix] = str(value)

    flat(label, {k: v for k, v in entry.items() if not k.startswith("_")})


def remember_payment(sandbox: Sandbox, stage: Stage, ref: str | None, apply_no: str) -> None:
    """Fill ``{applyNo}``, ``{applyNo.<ref>}`` and ``{account.<ref>}``: the account the bank debits for
    that request, read from the bank (the client's word is not evidence)."""
    stage.values["applyNo"] = apply_no
    if not ref:
        return
    stage.values[f"applyNo.{ref}"] = apply_no
    try:
        found = sandbox.call("GET", f"/contracts/{stage.contract_id}/transfers/{apply_no}")
    except RunAbort:  # a number the bank does not know: {account.<ref>} stays unset and says so
        return
    stage.values[f"account.{ref}"] = str(found["accountId"])


def bank_value(sandbox: Sandbox, stage: Stage, name: str) -> str | None:
    """``{balance.<account>}``: that account's balance in the bank's ledger when the step plays (the account
    by id, position or nickname, as a deposit names it); None for any other name."""
    kind, _, wanted = name.partition(".")
    if kind != "balance" or not wanted:
        return None
    account_id = account_for(stage, wanted)
    shown = sandbox.call("GET", f"/contracts/{stage.contract_id}")
    return next((str(a["balance"]) for a in shown.get("accounts", []) if a["accountId"] == account_id), None)


def prepare(
    sandbox: Sandbox, scenario: Scenario, contract: str | None = None, made: list[str] | None = None
) -> Stage:
    """Create the run's contract, or adopt ``contract`` (or the scenario's own), and return its stage.

    An adopted contract's clock is frozen for the run (and set running again afterwards when it was);
    the scenario's ``start`` does not apply to it: clocks only move forward. ``made`` gets the id of
    every contract created (a parent first), even when the preparation fails half-way.
    """
    setup = scenario.setup
    adopted = contract or setup.contract
    stage = _adopt(sandbox, adopted, scenario.name) if adopted else _fresh(sandbox, scenario, made)
    if adopted:
        if setup.settings:
            sandbox.call("PATCH", f"/contracts/{stage.contract_id}/settings", setup.settings)
        before = sandbox.call("GET", f"/contracts/{stage.contract_id}/clock")["mode"]
        sandbox.call("PUT", f"/contracts/{stage.contract_id}/clock", {"mode": "frozen"})
        stage.resume_clock = before == "running"
        if setup.start:
            stage.notes.append(
                f"the scenario's start {setup.start.isoformat()} does not apply to an existing contract"
            )
    shown = sandbox.call("GET", f"/contracts/{stage.contract_id}/clients/{stage.client_id}")
    stage.key_id, stage.encryption_key = shown.get("keyId"), shown.get("encryptionKey")
    stage.lookup = lambda name: bank_value(sandbox, stage, name)
    stage.values.update(
        {
            "contract": stage.contract_id,
            "client": stage.client_id,
            **{k: v for k, v in stage.users.items() if v},
        }
    )
    return stage


def _fresh(sandbox: Sandbox, scenario: Scenario, made: list[str] | None = None) -> Stage:
    """A new contract (and its parent first, for a child), frozen, with its own key and client."""
    body, made = _contract_body(scenario), made if made is not None else []
    if scenario.setup.child:  # a fresh parent first; the run plays on its fresh child
        parent = {k: v for k, v in body.items() if k not in ("template", "settings", "issueKeys")}
        body["parentId"] = sandbox.call("POST", "/contracts", parent)["contracts"][0]["contractId"]
        made.append(body["parentId"])
    answer = sandbox.call("POST", "/contracts", body)
    contract = answer["contracts"][0]
    made.append(contract["contractId"])
    client = next((c for c in answer.get("clients", []) if c["contractId"] == contract["contractId"]), None)
    if client is None:
        raise RunAbort(
            f"contract {contract['contractId']} came without a registered client (is OAuth installed?)"
        )
    passwords = {c["userId"]: c["password"] for c in answer.get("credentials", [])}
    users = _roles(answer.get("credentials", []))
    return Stage(
        contract_id=contract["contractId"],
        key=contract["key"],
        client_id=client["clientId"],
        client_secret=client.get("clientSecret"),
        redirect_uri=client["redirectUri"],
        users=users,
        password=passwords.get(users.get("operator", "")),
        accounts=contract.get("accounts", []),
    )


def _contract_body(scenario: Scenario) -> dict[str, Any]:
    """``POST /sandbox/v1/contracts`` for the run's contract, from the scenario's setup."""
    setup = scenario.setup
    body: dict[str, Any] = {
        "world": setup.world,
        "count": 1,
        "prefix": "S",
        "frozen": True,
        "issueKeys": True,
    }
    if setup.template:
        body["template"] = setup.template
    if setup.start:
        body["start"] = setup.start.isoformat()
    if setup.settings:
        body["settings"] = setup.settings
    return body


def _adopt(sandbox: Sandbox, contract_id: str, scenario: str) -> Stage:
    contract = sandbox.call("GET", f"/contracts/{contract_id}")
    if contract["status"] != "active":
        raise RunAbort(f"contract {contract_id} is {contract['status']}: a scenario needs an active contract")
    secret = secrets.token_urlsafe(18)
    client = sandbox.call(
        "POST",
        f"/contracts/{contract_id}/clients",
        {"redirectUri": REDIRECT_URI, "clientSecret": secret, "name": f"scenario {scenario}"},
    )
    return Stage(
        contract_id=contract_id,
        key=sandbox.key,
        client_id=client["clientId"],
        client_secret=secret,
        redirect_uri=client["redirectUri"],
        users=_roles(contract.get("users", [])),
        accounts=contract.get("accounts", []),
    )


def _roles(users: list[dict[str, Any]]) -> dict[str, str]:
    """Pick the operator (account + transfer, no approval), the approver and a read-only viewer."""
    found: dict[str, str] = {}
    for user in users:
        privileges = set(user.get("privileges") or [])
        if user.get("role") != "user":
            continue
        if "transfer-approval" in privileges:
            found.setdefault("approver", user["userId"])
        elif {"account", "transfer"} <= privileges:
            found.setdefault("operator", user["userId"])
        elif privileges == {"account"}:
            found.setdefault("viewer", user["userId"])
    if "operator" not in found:
        raise RunAbort(
            "the contract has no user with the account and transfer privileges to act as the operator"
        )
    return found


def account_for(stage: Stage, wanted: Any) -> str:
    """An account of the contract by id, by 1-based position, or by nickname (operating, settlement...)."""
    accounts = stage.accounts
    if not accounts:
        raise RunAbort(f"contract {stage.contract_id} has no accounts")
    if wanted is None:
        return accounts[0]["accountId"]
    text = str(wanted)
    for account in accounts:
        if text in (account.get("accountId"), account.get("nickname")):
            return account["accountId"]
    if text.isdigit() and 1 <= int(text) <= len(accounts):
        return accounts[int(text) - 1]["accountId"]
    raise RunAbort(f"no account {text!r} in contract {stage.contract_id}")


def command_for(sandbox: Sandbox, stage: Stage, body: dict[str, Any]) -> dict[str, Any]:
    """What the client is sent for a ``client`` step: its body with the default beneficiary, the
    account's id and, for ``set-key``, the client's current key."""
    command = {k: v for k, v in body.items() if k != "timeout"}
    if command["do"] == "transfer":
        command.setdefault("to", DEFAULT_BENEFICIARY)
    if command.get("account") is not None:
        command["account"] = account_for(stage, command["account"])
    if command["do"] == "set-key":
        shown = sandbox.call("GET", f"/contracts/{stage.contract_id}/clients/{stage.client_id}")
        command.update({"keyId": shown.get("keyId"), "key": shown.get("encryptionKey")})
    return command
