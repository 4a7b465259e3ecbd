"""Seed worlds: a whole demo bank built from ``seed/<world>.yaml`` and a seed, the same every time.

``worlds`` loads a world and runs a seed (:func:`reset` replaces the store, :func:`add_contracts` adds
copies of one contract); ``build`` makes the core (contracts, accounts, users), ``history`` their past,
and the hooks written out in ``worlds.HOOKS`` the rest (``transfers``: demo requests, ``clients``: demo
OAuth clients). ``model`` holds the :class:`World` every step receives.
"""

from sandbox.seeding.model import World
from sandbox.seeding.worlds import add_contracts, load_spec, next_contract_ids, reset, world_names

__all__ = ["World", "add_contracts", "load_spec", "next_contract_ids", "reset", "world_names"]
