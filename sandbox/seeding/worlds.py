"""Seed worlds: build contracts, users, accounts and months of statements from ``seed/<world>.yaml``.

Everything random comes from one ``random.Random(seed)`` and one seeded Faker (ja_JP), and rows are
written in a fixed order, so the same world and seed give the same answers from the API, byte for byte.
Statements are computed in memory and written with ``executemany``: a year for 100 contracts takes seconds.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from flask import current_app, has_app_context

from sandbox import clock, config, store
from sandbox.bank import ledger
from sandbox.errors import ContractExists, UnknownWorld
from sandbox.seeding import clients, invoices, templates, transfers
from sandbox.seeding.build import build
from sandbox.seeding.model import World, new_world
from sandbox.store import Database, set_meta, transaction, wipe

# What each seed run adds after the core world, in this order. Each hook draws from its own generator
# (seeded by the world's seed and the contract id), so adding one never changes what the others make.
HOOKS: tuple[Callable[[World], None], ...] = (
    transfers.seed_transfers,  # monthly-fee events and demo transfer requests in each status
    clients.register_demo_clients,  # one OAuth client per contract (§5(2))
    invoices.seed_invoices,  # a month of invoices paid by the history's deposits (消込)
)


def seed_dir() -> Path:
    """Where the world files (``<world>.yaml``) are: the app's ``SEED_DIR``, else the default."""
    return Path(current_app.config["SEED_DIR"] if has_app_context() else config.DEFAULTS["SEED_DIR"])


def world_names() -> list[str]:
    """The worlds that can be seeded."""
    return sorted(p.stem for p in seed_dir().glob("*.yaml"))


def load_spec(name: str) -> dict[str, Any]:
    """The spec of world ``name``, or ``UnknownWorld``."""
    path = seed_dir() / f"{name}.yaml"
    if not name.replace("-", "").replace("_", "").isalnum() or not path.is_file():
        raise UnknownWorld(f"no world {name!r}; known: {', '.join(world_names())}", field="world")
    stat = path.stat()
    return copy.deepcopy(_parsed(path, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=16)
def _parsed(path: Path, _mtime_ns: int, _size: int) -> dict[str, Any]:
    """The YAML of a world file, parsed once per version of the file (parsing costs ~10 ms a call)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _contract_specs(spec: dict[str, Any]) -> list[dict[str, Any]]:
    if "generate" not in spec:
        return list(spec["contracts"])
    template = spec["generate"]
    return [{**template, "id": f"{template['idPrefix']}{n:04d}"} for n in range(1, template["count"] + 1)]


def _populate(world: World, specs: list[dict[str, Any]]) -> None:
    """The bank's own accounts, the contracts of ``specs``, then every hook (in the caller's transaction)."""
    ledger.ensure_bank_accounts(world.db, world.start)
    build(world, specs)
    for hook in HOOKS:
        hook(world)


def reset(
    db: Database,
    world: str = "demo",
    seed: int = 21,
    start: datetime | None = None,
    *,
    frozen: bool = False,
    use_template: bool = True,
) -> World:
    """Replace everything in the store with a freshly generated world, in one transaction.

    Contract clocks start at ``start`` (default: now), running, or ``frozen`` there. With a given
    ``start``, from the second reset to the same world the world is built once per process into a
    template and resets copy its rows
    (:mod:`sandbox.seeding.templates`; ``use_template=False`` generates anyway). At "now" every reset
    is a new world, so it is generated.
    """
    spec = load_spec(world)
    store.wipe_file(store.log_path(store.main_path(db)))  # the request log's own file is cleared too
    # ATTACH cannot run inside the caller's transaction: then, or at "now", the world is generated
    if start is None or not use_template or db.conn.in_transaction:
        return _generate(new_world(db, world, spec, seed, start, frozen), spec)
    version = db.conn.execute("PRAGMA user_version").fetchone()[0]
    name = templates.key(world, spec, seed, start.astimezone(clock.JST).isoformat(), frozen, version)
    if not templates.worth_it(name):  # the first reset to this world: generated, no template to build
        return _generate(new_world(db, world, spec, seed, start, frozen), spec)
    template = templates.obtain(
        name, lambda tdb: _summary(_generate(new_world(tdb, world, spec, seed, start, frozen), spec))
    )
    templates.copy_into(db, template)
    built = new_world(db, world, spec, seed, start, frozen)
    summary = copy.deepcopy(template.summary)
    built.contracts, built.credentials, built.extras = (
        summary["contracts"],
        summary["credentials"],
        summary["extras"],
    )
    return built


def _generate(built: World, spec: dict[str, Any]) -> World:
    """Wipe ``built.db`` and generate the world into it, in one transaction."""
    with transaction(built.db):
        wipe(built.db)
        _populate(built, _contract_specs(spec))
        set_meta(built.db, "world", json.dumps(_meta(built), ensure_ascii=False))
    return built


def _summary(built: World) -> dict[str, Any]:
    """What a reset answers besides the rows: the contracts built and the demo credentials and clients."""
    return {"contracts": built.contracts, "credentials": built.credentials, "extras": built.extras}


def _meta(world: World) -> dict[str, Any]:
    """What ``serve`` and ``/sandbox/v1`` show of the seeded world: its name, seed and demo credentials."""
    return {
        "world": world.name,
        "seed": world.seed,
        "start": clock.to_db(world.start),
        "credentials": world.credentials,
        "clients": world.extras.get("clients", []),
    }


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
    chosen = _template(_contract_specs(spec), world, template, parent_id)
    built = new_world(db, world, spec, _seed_of(ids) if seed is None else seed, start, frozen)
    merged = {**chosen.get("settings", {}), **(settings or {})}
    specs = [{**chosen, "id": new_id, "parent": parent_id, "settings": merged} for new_id in ids]
    with transaction(db):
        _refuse_taken(db, ids)
        _populate(built, specs)
    return built


def _template(
    candidates: list[dict[str, Any]], world: str, template: str | None, parent_id: str | None
) -> dict[str, Any]:
    """The contract of the world that new contracts copy: ``template``, else the first fitting one."""
    if not template:
        return next((c for c in candidates if bool(c.get("parent")) == bool(parent_id)), candidates[0])
    chosen = next((c for c in candidates if c["id"] == template), None)
    if chosen is None:
        raise UnknownWorld(f"world {world!r} has no contract {template!r}", field="template")
    return chosen


def _seed_of(ids: list[str]) -> int:
    """A seed drawn from the new contract ids: the same ids always get the same users, accounts and history."""
    return int.from_bytes(hashlib.sha256("/".join(ids).encode()).digest()[:4], "big")


def _refuse_taken(db: Database, ids: list[str]) -> None:
    marks = ",".join("?" for _ in ids)
    taken = [r[0] for r in db.conn.execute(f"SELECT id FROM contracts WHERE id IN ({marks})", ids)]
    if taken:
        raise ContractExists(f"contract {taken[0]} already exists", field="contractId")


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
