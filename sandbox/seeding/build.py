"""The core of a seeded world: companies with their contracts, accounts (at the sandbox's own bank),
users, EB fee accounts and months of history. Hooks add the rest (sandbox/seeding/worlds.py, HOOKS)."""

from __future__ import annotations

import functools
import hashlib
from datetime import timedelta
from typing import Any

from sandbox import clock
from sandbox.bank import accounts, beneficiaries, kana, users
from sandbox.bank.accounts import BANK_CODE
from sandbox.seeding import closing, history
from sandbox.seeding.model import World
from sandbox.store import insert

COMPANY_FORMS = [("株式会社", "ｶ"), ("有限会社", "ﾕ"), ("合同会社", "ﾄﾞ")]
INDUSTRIES = [
    ("商事", "ｼﾖｳｼﾞ"),
    ("建設", "ｹﾝｾﾂ"),
    ("電機", "ﾃﾞﾝｷ"),
    ("物産", "ﾌﾞﾂｻﾝ"),
    ("工業", "ｺｳｷﾞﾖｳ"),
    ("運輸", "ｳﾝﾕ"),
    ("食品", "ｼﾖｸﾋﾝ"),
    ("製作所", "ｾｲｻｸｼﾖ"),
    ("産業", "ｻﾝｷﾞﾖｳ"),
    ("不動産", "ﾌﾄﾞｳｻﾝ"),
    ("システム", "ｼｽﾃﾑ"),
    ("化学", "ｶｶﾞｸ"),
    ("印刷", "ｲﾝｻﾂ"),
    ("精機", "ｾｲｷ"),
    ("興業", "ｺｳｷﾞﾖｳ"),
]


def company(world: World) -> tuple[str, str]:
    """A company name and its Zengin kana (e.g. 株式会社山田商事 / ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ)."""
    last, last_kana, _roma = world.faker.last_name_pair()
    industry, industry_kana = world.rng.choice(INDUSTRIES)
    form, form_kana = world.rng.choice(COMPANY_FORMS)
    return f"{form}{last}{industry}", f"{form_kana}){kana.to_zengin(last_kana)}{industry_kana}"


@functools.cache
def _branches() -> list[tuple[str, str]]:
    bank = beneficiaries.bank(BANK_CODE)
    assert bank is not None
    return sorted((code, branch.name) for code, branch in bank.branches.items())


def build(world: World, contract_specs: list[dict[str, Any]]) -> None:
    """Create each contract of ``contract_specs`` with its accounts, users and history, in order."""
    used_numbers = {
        r[0] for r in world.db.conn.execute("SELECT account_number FROM accounts WHERE kind = 'deposit'")
    }
    partners = [company(world) for _ in range(16)]
    world.extras["partners"] = partners
    password = world.spec.get("password", "Passw0rd!")
    movements: list[history.Movement] = []
    for order, cspec in enumerate(contract_specs):
        name, name_kana = company(world)
        contract = _create_contract(world, cspec, name, name_kana)
        accts = _create_accounts(world, contract, cspec, used_numbers)
        contract["accounts"] = accts
        world.contracts.append(contract)
        for template in world.spec["users"]:
            _create_user(world, contract, template, password)
        movements += history.history(world, order, contract, cspec, accts, partners)
    _set_fee_accounts(world)
    fee_accounts = {c["id"]: c["fee_account_id"] for c in world.contracts}
    ends = {
        a["id"]: closing.closing_balance(world.seed, c["id"], n, int(a["opening"]))
        for c in world.contracts
        for n, a in enumerate(c["accounts"])
    }
    settled = closing.settle(sorted(movements, key=lambda m: (m[0], m[1])), fee_accounts, ends)
    history.write_movements(world, settled)


def _create_contract(world: World, cspec: dict[str, Any], name: str, name_kana: str) -> dict[str, Any]:
    contract = {
        "id": cspec["id"],
        "name": name,
        "name_kana": name_kana,
        "status": "active",
        "services": cspec["services"],
        "linkage": ["account", "transfer", "transfer-approval"],
        "parent_id": cspec.get("parent"),
        "settings": cspec.get("settings", {}),
        "world": world.name,
        "created_at": clock.to_db(world.start),
        **world.clock,
    }
    insert(world.db, "contracts", contract)
    return contract


def _account_number(world: World, used: set[str]) -> str:
    """A 7-digit account number no deposit account holds yet (and now taken)."""
    number = f"{world.rng.randrange(1_000_000, 9_999_999):07d}"
    while number in used:
        number = f"{world.rng.randrange(1_000_000, 9_999_999):07d}"
    used.add(number)
    return number


def _create_accounts(
    world: World, contract: dict[str, Any], cspec: dict[str, Any], used: set[str]
) -> list[dict[str, Any]]:
    branch_code, branch_name = world.rng.choice(_branches())
    created = []
    for aspec in cspec["accounts"]:
        acct_id = accounts.open_account(
            world.db,
            contract_id=contract["id"],
            bank_code=BANK_CODE,
            branch_code=branch_code,
            branch_name=branch_name,
            account_type=str(aspec["type"]),
            number=_account_number(world, used),
            holder_kana=contract["name_kana"],
            at=world.start - timedelta(days=world.spec["historyDays"] + 1),
            nickname=aspec.get("role"),
        )
        created.append({"id": acct_id, **aspec})
    return created


def password_salt(world: World, login_id: str) -> str:
    """The user's own salt (users sharing the demo password must not share a hash), a function of the seed
    and the login ID: reproducible, and it draws nothing from ``world.rng``, so the rest of the world is
    unchanged."""
    return hashlib.sha256(f"{world.name}:{world.seed}:{login_id}".encode()).hexdigest()[:16]


def _create_user(world: World, contract: dict[str, Any], template: dict[str, Any], password: str) -> None:
    login_id = f"{contract['id'].lower()}-{template['suffix']}"
    name = template.get("name") or world.faker.name()
    secret = "".join(world.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(32))
    users.create(
        world.db,
        contract_id=contract["id"],
        login_id=login_id,
        name=name,
        role=template["role"],
        privileges=list(template["privileges"]),
        password=password,
        totp_secret=secret,
        at=world.start,
        password_hash=users.hash_password(password, password_salt(world, login_id)),
    )
    world.credentials.append(
        {
            "contractId": contract["id"],
            "userId": login_id,
            "password": password,
            "role": template["role"],
            "privileges": list(template["privileges"]),
        }
    )


def _set_fee_accounts(world: World) -> None:
    """The EB fee account is the contract's first account; a child pays from its parent's (§2(5))."""
    first = {c["id"]: c["accounts"][0]["id"] for c in world.contracts}
    first.update(
        {
            r[0]: r[1]
            for r in world.db.conn.execute(
                "SELECT id, fee_account_id FROM contracts WHERE fee_account_id IS NOT NULL"
            )
        }
    )
    for contract in world.contracts:
        payer = contract["parent_id"] or contract["id"]
        contract["fee_account_id"] = first.get(payer, first[contract["id"]])
        world.db.conn.execute(
            "UPDATE contracts SET fee_account_id = ? WHERE id = ?",
            (contract["fee_account_id"], contract["id"]),
        )
