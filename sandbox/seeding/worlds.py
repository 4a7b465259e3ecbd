"""Seed worlds: build contracts, users, accounts and months of statements from ``seed/<world>.yaml``.

Everything random comes from one ``random.Random(seed)`` and one seeded Faker (ja_JP), and rows are
written in a fixed order, so the same world and seed give the same answers from the API, byte for byte.
Statements are computed in memory and written with ``executemany``: a year for 100 contracts takes seconds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from flask import current_app, has_app_context

from sandbox import clock, config
from sandbox.bank import accounts, kana, ledger, users
from sandbox.errors import ContractExists, UnknownWorld
from sandbox.seeding import history as seed_history
from sandbox.store import Database, insert, set_meta, transaction, wipe

if TYPE_CHECKING:
    from faker import Faker

BANK_CODE = "0009"
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

SeedHook = Callable[["World"], None]
HOOKS: list[SeedHook] = []


def hook(fn: SeedHook) -> SeedHook:
    """Register ``fn(world)`` to add a subsystem's demo data (clients, transfers...) after the core world."""
    HOOKS.append(fn)
    return fn


@dataclass
class World:
    """What a seed run builds and what the hooks receive."""

    db: Database
    name: str
    spec: dict[str, Any]
    seed: int
    start: datetime
    rng: random.Random
    faker: Faker
    contracts: list[dict[str, Any]] = field(default_factory=list)
    credentials: list[dict[str, Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    clock_mode: str = "running"
    clock: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # computed once, so that every contract of a run shows the same time to the microsecond
        self.clock = clock.clock_columns(self.clock_mode, self.start)


def _faker(seed: int) -> Faker:
    # Imported here: Faker costs 0.2 s and ~10 MiB, which a serving worker never needs.
    from faker import Faker

    faker = Faker("ja_JP")
    faker.seed_instance(seed)
    return faker


def seed_dir() -> Path:
    return Path(current_app.config["SEED_DIR"] if has_app_context() else config.DEFAULTS["SEED_DIR"])


def world_names() -> list[str]:
    return sorted(p.stem for p in seed_dir().glob("*.yaml"))


def load_spec(name: str) -> dict[str, Any]:
    path = seed_dir() / f"{name}.yaml"
    if not name.replace("-", "").replace("_", "").isalnum() or not path.is_file():
        raise UnknownWorld(f"no world {name!r}; known: {', '.join(world_names())}", field="world")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@functools.cache
def _branches() -> list[tuple[str, str]]:
    from sandbox.bank import beneficiaries

    bank = beneficiaries.bank(BANK_CODE)
    assert bank is not None
    return sorted((code, branch.name) for code, branch in bank.branches.items())


def reset(
    db: Database, world: str = "demo", seed: int = 21, start: datetime | None = None, *, frozen: bool = False
) -> World:
    """Replace everything in the store with a freshly generated world, in one transaction.

    Contract clocks start at ``start`` (default: now), running, or ``frozen`` there.
    """
    spec = load_spec(world)
    start = (start or clock.wall_now()).astimezone(clock.JST)
    faker = _faker(seed)
    built = World(
        db, world, spec, seed, start, random.Random(seed), faker, clock_mode="frozen" if frozen else "running"
    )
    with transaction(db):
        wipe(db)
        ledger.ensure_bank_accounts(db, start)
        _build(built, _contract_specs(spec))
        for fn in HOOKS:
            fn(built)
        set_meta(
            db,
            "world",
            json.dumps(
                {
                    "world": world,
                    "seed": seed,
                    "start": clock.to_db(start),
                    "credentials": built.credentials,
                    "clients": built.extras.get("clients", []),
                },
                ensure_ascii=False,
            ),
        )
    return built


def add_contracts(
    db: Database,
    ids: list[str],
    *,
    world: str = "demo",
    template: str | None = None,
    seed: int | None = None,
    start: datetime | None = None,
    frozen: bool = False,
    settings: dict[str, Any] | None = None,
    parent_id: str | None = None,
) -> World:
    """Add fresh contracts to the running store, each a copy of one contract of ``world``.

    Used by scenarios and workshops: every new contract has its own users, accounts, history and clock,
    and nothing it shares with the others. ``template`` names the world's contract to copy (default: the
    first one without a parent, or with one when ``parent_id`` makes the new contracts its children,
    whose fees its EB fee account pays, §2(5)).
    """
    spec = load_spec(world)
    candidates = _contract_specs(spec)
    chosen = (
        next((c for c in candidates if c["id"] == template), None)
        if template
        else next((c for c in candidates if bool(c.get("parent")) == bool(parent_id)), candidates[0])
    )
    if chosen is None:
        raise UnknownWorld(f"world {world!r} has no contract {template!r}", field="template")
    seed = (
        seed
        if seed is not None
        else int.from_bytes(hashlib.sha256("/".join(ids).encode()).digest()[:4], "big")
    )
    start = (start or clock.wall_now()).astimezone(clock.JST)
    faker = _faker(seed)
    built = World(
        db, world, spec, seed, start, random.Random(seed), faker, clock_mode="frozen" if frozen else "running"
    )
    specs = [
        {
            **chosen,
            "id": new_id,
            "parent": parent_id,
            "settings": {**chosen.get("settings", {}), **(settings or {})},
        }
        for new_id in ids
    ]
    with transaction(db):
        taken = [
            r[0]
            for r in db.conn.execute(
                f"SELECT id FROM contracts WHERE id IN ({','.join('?' for _ in ids)})", ids
            )
        ]
        if taken:
            raise ContractExists(f"contract {taken[0]} already exists", field="contractId")
        ledger.ensure_bank_accounts(db, start)
        _build(built, specs)
        for fn in HOOKS:
            fn(built)
    return built


def next_contract_ids(db: Database, count: int, prefix: str = "C") -> list[str]:
    """The next ``count`` free contract ids of the form ``<prefix>NNNN``."""
    used = {r[0] for r in db.conn.execute("SELECT id FROM contracts WHERE id LIKE ?", (f"{prefix}%",))}
    found, n = [], 1
    while len(found) < count:
        candidate = f"{prefix}{n:04d}"
        if candidate not in used:
            found.append(candidate)
        n += 1
    return found


def _contract_specs(spec: dict[str, Any]) -> list[dict[str, Any]]:
    if "generate" not in spec:
        return list(spec["contracts"])
    template = spec["generate"]
    return [{**template, "id": f"{template['idPrefix']}{n:04d}"} for n in range(1, template["count"] + 1)]


def company(world: World) -> tuple[str, str]:
    """A company name and its Zengin kana (e.g. 株式会社山田商事 / ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ)."""
    last, last_kana, _roma = world.faker.last_name_pair()
    industry, industry_kana = world.rng.choice(INDUSTRIES)
    form, form_kana = world.rng.choice(COMPANY_FORMS)
    return f"{form}{last}{industry}", f"{form_kana}){kana.to_zengin(last_kana)}{industry_kana}"


def _build(world: World, contract_specs: list[dict[str, Any]]) -> None:
    hash_cache: dict[str, str] = {}
    used_numbers = {
        r[0] for r in world.db.conn.execute("SELECT account_number FROM accounts WHERE kind = 'deposit'")
    }
    partners = [company(world) for _ in range(16)]
    world.extras["partners"] = partners
    password = world.spec.get("password", "Passw0rd!")
    hash_cache[password] = users.hash_password(password)
    movements: list[seed_history.Movement] = []
    for order, cspec in enumerate(contract_specs):
        name, name_kana = company(world)
        contract = _create_contract(world, cspec, name, name_kana)
        accts = _create_accounts(world, contract, cspec, used_numbers)
        contract["accounts"] = accts
        world.contracts.append(contract)
        for template in world.spec["users"]:
            _create_user(world, contract, template, password, hash_cache[password])
        movements += seed_history.history(world, order, contract, cspec, accts, partners)
    _set_fee_accounts(world)
    seed_history.write_movements(world, sorted(movements, key=lambda m: (m[0], m[1])))


def _create_contract(world: World, cspec: dict[str, Any], name: str, name_kana: str) -> dict[str, Any]:
    columns = world.clock
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
        **columns,
    }
    insert(world.db, "contracts", contract)
    return contract


def _create_accounts(
    world: World, contract: dict[str, Any], cspec: dict[str, Any], used: set[str]
) -> list[dict[str, Any]]:
    branch_code, branch_name = world.rng.choice(_branches())
    created = []
    for aspec in cspec["accounts"]:
        number = f"{world.rng.randrange(1_000_000, 9_999_999):07d}"
        while number in used:
            number = f"{world.rng.randrange(1_000_000, 9_999_999):07d}"
        used.add(number)
        opened = world.start - timedelta(days=world.spec["historyDays"] + 1)
        acct_id = accounts.open_account(
            world.db,
            contract_id=contract["id"],
            bank_code=BANK_CODE,
            branch_code=branch_code,
            branch_name=branch_name,
            account_type=str(aspec["type"]),
            number=number,
            holder_kana=contract["name_kana"],
            at=opened,
            nickname=aspec.get("role"),
        )
        created.append({"id": acct_id, **aspec})
    return created


def _create_user(
    world: World, contract: dict[str, Any], template: dict[str, Any], password: str, hashed: str
) -> None:
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
        password_hash=hashed,
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
