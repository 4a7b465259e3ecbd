"""Seed hook (listed in sandbox/seeding/worlds.py, HOOKS): every contract of a seeded world gets one registered demo client (§5(2)).

Its client ID, client password and encryption key come from a generator seeded by the world's seed and
the contract id, so the same world and seed always give the same credentials (and adding another
subsystem's hook never changes them). ``serve`` prints them.
"""

from __future__ import annotations

import random

from sandbox.oauth import clients
from sandbox.seeding.model import World

DEMO_REDIRECT_URI = "http://127.0.0.1:8080/callback"


def register_demo_clients(world: World) -> None:
    registered = world.extras.setdefault("clients", [])
    for contract in world.contracts:
        rng = random.Random(f"oauth-client/{world.seed}/{contract['id']}")
        client = clients.register(
            world.db,
            contract["id"],
            redirect_uri=DEMO_REDIRECT_URI,
            at=world.start,
            name="デモ会計システム",
            rng=rng,
            demo=True,
        )
        registered.append(
            {
                "contractId": contract["id"],
                "clientId": client["clientId"],
                "clientSecret": client["clientSecret"],
                "redirectUri": client["redirectUri"],
            }
        )
