"""Fresh isolated contracts for scenarios and workshop participants (``POST /sandbox/v1/contracts``):
one use case, owning its transaction, for the control API and the CLI."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sandbox.bank import contract_admin, contracts
from sandbox.errors import InvalidParameter
from sandbox.seeding import worlds
from sandbox.store import Database, transaction


class Created(NamedTuple):
    """What :func:`create` built: the world (credentials, clients) and each contract's key when issued."""

    world: worlds.World
    keys: dict[str, str]


def parent(db: Database, parent_id: str | None) -> str | None:
    """An existing active contract that is not itself a child: the parent of the new contracts (親仔契約)."""
    if parent_id is None:
        return None
    found = contracts.get(db, parent_id)
    if found["parent_id"]:
        raise InvalidParameter(f"{parent_id} is itself a child of {found['parent_id']}", field="parentId")
    contracts.require_active(found)
    return parent_id


def create(
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
    issue_keys: bool = False,
) -> Created:
    """Copy ``ids`` contracts from a world's template (see :func:`worlds.add_contracts`), each with its
    own contract key when ``issue_keys``; all of them or none."""
    if settings:
        contracts.validate_settings(settings)
    parent_id = parent(db, parent_id)
    with transaction(db):
        built = worlds.add_contracts(
            db,
            ids,
            world=world,
            template=template,
            seed=seed,
            start=start,
            frozen=frozen,
            settings=settings,
            parent_id=parent_id,
        )
        keys = contract_admin.issue_keys(db, ids) if issue_keys else {}
    return Created(built, keys)
