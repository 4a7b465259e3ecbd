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
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from flask import current_app, has_app_context

from sandbox import calendar, clock, config
from sandbox.bank import accounts, kana, ledger, users
from sandbox.errors import ContractExists, UnknownWorld
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
DIRECT_DEBITS = [  # 口座振替: (payee kana, low, high)
    ("ﾄｳｷﾖｳﾃﾞﾝﾘﾖｸ", 80_000, 420_000),
    ("NTTﾌｱｲﾅﾝｽ", 20_000, 90_000),
    ("ﾄｳｷﾖｳｶﾞｽ", 15_000, 60_000),
    ("ﾆﾎﾝﾈﾝｷﾝｷｺｳ", 300_000, 2_400_000),
    ("ﾘ-ｽｼﾔ)ｵﾘｺ", 50_000, 250_000),
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
    from zengin_code import Bank

    bank = Bank.all[BANK_CODE]
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
    movements: list[tuple[datetime, int, str | None, str, list[ledger.Leg]]] = []
    for order, cspec in enumerate(contract_specs):
        name, name_kana = company(world)
        contract = _create_contract(world, cspec, name, name_kana)
        accts = _create_accounts(world, contract, cspec, used_numbers)
        contract["accounts"] = accts
        world.contracts.append(contract)
        for template in world.spec["users"]:
            _create_user(world, contract, template, password, hash_cache[password])
        movements += _history(world, order, contract, cspec, accts, partners)
    _set_fee_accounts(world)
    _write_movements(world, sorted(movements, key=lambda m: (m[0], m[1])))


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


def _at(world: World, day: date, low: int = 9, high: int = 17) -> datetime:
    seconds = world.rng.randrange(low * 3600, high * 3600)
    return datetime.combine(day, time(), clock.JST) + timedelta(seconds=seconds)


def _amount(world: World, low: int, high: int) -> int:
    return world.rng.randrange(low // 10, high // 10) * 10


def _history(
    world: World,
    order: int,
    contract: dict[str, Any],
    cspec: dict[str, Any],
    accts: list[dict[str, Any]],
    partners: list[tuple[str, str]],
) -> list[tuple[datetime, int, str | None, str, list[ledger.Leg]]]:
    """The contract's past: opening balances, then daily movements over ``historyDays``."""
    out: list[tuple[datetime, int, str | None, str, list[ledger.Leg]]] = []
    cid, days = contract["id"], world.spec["historyDays"]
    first_day = world.start.date() - timedelta(days=days)
    opening_at = datetime.combine(first_day, time(0, 0), clock.JST)
    for acct in accts:
        legs = [ledger.Leg(ledger.EQUITY, -acct["opening"]), ledger.Leg(acct["id"], acct["opening"], "ｸﾘｺｼ")]
        out.append((opening_at, order, cid, "opening", legs))
    by_role = {a["role"]: a["id"] for a in reversed(accts)}
    operating = by_role.get("operating", accts[0]["id"])
    settlement = by_role.get("settlement", operating)
    payroll = by_role.get("payroll")
    payroll_total = int(cspec.get("employees", 20)) * 310_000
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if not calendar.is_business_day(day):
            continue
        for _ in range(world.rng.choice((0, 1, 1, 2))):  # 振込入金 from customers
            name = world.rng.choice(partners)[1]
            edi = f"INV{day:%Y%m}{world.rng.randrange(1000, 9999)}" if world.rng.random() < 0.4 else None
            amount = _amount(world, 80_000, 2_800_000)
            target = settlement if world.rng.random() < 0.35 else operating
            out.append(
                (
                    _at(world, day),
                    order,
                    cid,
                    "deposit",
                    [
                        ledger.Leg(ledger.CLEARING, -amount, "ﾌﾘｺﾐ", name, edi),
                        ledger.Leg(target, amount, "ﾌﾘｺﾐ", name, edi),
                    ],
                )
            )
        if world.rng.random() < 0.55:  # 振込 to suppliers
            name = world.rng.choice(partners)[1]
            amount = _amount(world, 30_000, 1_600_000)
            source = settlement if world.rng.random() < 0.3 else operating
            out.append(
                (
                    _at(world, day),
                    order,
                    cid,
                    "transfer",
                    [
                        ledger.Leg(source, -amount, "ﾌﾘｺﾐ", name),
                        ledger.Leg(ledger.CLEARING, amount, "ﾌﾘｺﾐ", name),
                    ],
                )
            )
        pay_day = calendar.previous_business_day(day.replace(day=25), include=True)
        if day == pay_day:
            source = payroll or operating
            if payroll:
                at = datetime.combine(day, time(9, 0), clock.JST) - timedelta(days=1)
                out.append(
                    (
                        at,
                        order,
                        cid,
                        "internal",
                        [
                            ledger.Leg(operating, -payroll_total, "ﾌﾘｶｴ"),
                            ledger.Leg(payroll, payroll_total, "ﾌﾘｶｴ"),
                        ],
                    )
                )
            out.append(
                (
                    datetime.combine(day, time(9, 30), clock.JST),
                    order,
                    cid,
                    "payroll",
                    [
                        ledger.Leg(source, -payroll_total, "ｷﾕｳﾖ"),
                        ledger.Leg(ledger.CLEARING, payroll_total, "ｷﾕｳﾖ"),
                    ],
                )
            )
        if day == calendar.next_business_day(day.replace(day=26), include=True):
            for payee, low, high in DIRECT_DEBITS[: 3 + order % 3]:
                amount = _amount(world, low, high)
                out.append(
                    (
                        _at(world, day, 10, 12),
                        order,
                        cid,
                        "direct_debit",
                        [
                            ledger.Leg(operating, -amount, "ｺｳｻﾞﾌﾘｶｴ", payee),
                            ledger.Leg(ledger.CLEARING, amount, "ｺｳｻﾞﾌﾘｶｴ", payee),
                        ],
                    )
                )
        if day == calendar.next_business_day(day.replace(day=10), include=True):
            fee = int(config.CONTRACT_SETTINGS["monthlyFee"])
            out.append(
                (
                    datetime.combine(day, time(8, 0), clock.JST),
                    order,
                    cid,
                    "fee",
                    [ledger.Leg(f"FEE:{cid}", -fee, "ﾃｽｳﾘﾖｳ"), ledger.Leg(ledger.FEE_INCOME, fee, "ﾃｽｳﾘﾖｳ")],
                )
            )
    return out


def _write_movements(
    world: World, movements: list[tuple[datetime, int, str | None, str, list[ledger.Leg]]]
) -> None:
    """Write the history in time order with ``executemany``, skipping debits the account cannot cover."""
    conn = world.db.conn
    fee_accounts = {c["id"]: c["fee_account_id"] for c in world.contracts}
    balances = {r[0]: r[1] for r in conn.execute("SELECT id, balance FROM accounts")}
    next_journal = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM journals").fetchone()[0] or 0) + 1
    journals, postings = [], []
    for at, _order, cid, kind, legs in movements:
        legs = [
            ledger.Leg(fee_accounts[leg.account_id[4:]], *_rest(leg))
            if leg.account_id.startswith("FEE:")
            else leg
            for leg in legs
        ]
        if any(
            balances[leg.account_id] + leg.amount < 0
            for leg in legs
            if leg.amount < 0 and not leg.account_id.startswith("BANK-")
        ):
            continue
        stamp, value_date = clock.to_db(at), at.date().isoformat()
        journals.append((next_journal, cid, kind, stamp, None, stamp))
        for leg in legs:
            balances[leg.account_id] += leg.amount
            postings.append(
                (
                    next_journal,
                    leg.account_id,
                    leg.amount,
                    balances[leg.account_id],
                    value_date,
                    stamp,
                    leg.description,
                    leg.counterparty_kana,
                    leg.edi,
                )
            )
        next_journal += 1
    conn.executemany(
        "INSERT INTO journals (id, contract_id, kind, occurred_at, ref, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        journals,
    )
    conn.executemany(
        "INSERT INTO postings (journal_id, account_id, amount, balance_after, value_date, posted_at, description,"
        " counterparty_kana, edi) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        postings,
    )
    conn.executemany("UPDATE accounts SET balance = ? WHERE id = ?", [(v, k) for k, v in balances.items()])


def _rest(leg: ledger.Leg) -> tuple[Any, ...]:
    return (leg.amount, leg.description, leg.counterparty_kana, leg.edi)
