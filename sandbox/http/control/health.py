"""``/sandbox/v1`` about the sandbox itself: health, the error catalogue, and reset to a seeded world."""

from __future__ import annotations

from flask import Response, g

from sandbox import config
from sandbox.fields import field
from sandbox.http import catalogue
from sandbox.http.control import auth, inputs
from sandbox.http.web import json_body, reply
from sandbox.seeding import status
from sandbox.seeding import worlds as seeding
from sandbox.store import get_db


def healthz() -> Response:
    """Liveness without a key: says only that the process answers and its store opens."""
    status.ping(get_db())
    return reply({"status": "ok"})


def health() -> Response:
    """Version, schema, world and contract count; the ledger check only for the admin key."""
    facts = status.health(get_db(), check_ledger=g.control_contract is None)
    return reply({"status": "ok", "version": config.VERSION, **facts})


def error_catalogue() -> Response:
    return reply({"errors": catalogue.entries()})


def reset() -> Response:
    """Replace the whole store with a freshly generated world (admin key only)."""
    auth.require_admin()
    data = json_body(required=False)
    world = field(data, "world", required=False) or "demo"
    seed = field(data, "seed", int, required=False)
    start = inputs.optional_instant(data, "start")
    frozen = field(data, "frozen", bool, required=False) or False
    built = seeding.reset(get_db(), world, 21 if seed is None else seed, start, frozen=frozen)
    return reply(
        {
            "world": built.name,
            "seed": built.seed,
            "contracts": [c["id"] for c in built.contracts],
            "credentials": built.credentials,
        }
    )
