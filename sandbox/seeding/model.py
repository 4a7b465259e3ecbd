"""What a seed run builds and passes to each step: the world's store, its spec and its one generator."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sandbox import clock
from sandbox.store import Database

if TYPE_CHECKING:
    from faker import Faker


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


def new_world(
    db: Database, name: str, spec: dict[str, Any], seed: int, start: datetime | None, frozen: bool
) -> World:
    """A world about to be built: ``start`` (default now) in JST, its generators seeded by ``seed``."""
    start = (start or clock.wall_now()).astimezone(clock.JST)
    faker = _faker(seed)
    return World(
        db, name, spec, seed, start, random.Random(seed), faker, clock_mode="frozen" if frozen else "running"
    )


def _faker(seed: int) -> Faker:
    # Imported here: Faker costs 0.2 s and ~10 MiB, which a serving worker never needs.
    from faker import Faker

    faker = Faker("ja_JP")
    faker.seed_instance(seed)
    return faker
