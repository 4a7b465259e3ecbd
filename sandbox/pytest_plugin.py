"""pytest fixtures for a team's own test suite: a real sandbox server, a fresh contract per test.

Installing web21-sandbox registers this plugin (entry point ``pytest11``); nothing starts unless a test
asks for a fixture. ``web21_sandbox`` is one server for the whole session (its own temporary database);
``web21_contract`` is a fresh isolated contract for each test, made in milliseconds, so tests never share
accounts, tokens, faults or clocks. See ``docs/pytest.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sandbox.testing import Contract, Sandbox


@pytest.fixture(scope="session")
def web21_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox server on a free loopback port for the test session: ``.url``, ``.admin_key``, ``.control``."""
    # Imported here: every pytest run loads this plugin, and only suites that use the sandbox need the app.
    from sandbox.testing import running

    with running(folder=tmp_path_factory.mktemp("web21-sandbox")) as sandbox:
        yield sandbox


@pytest.fixture
def web21_contract(web21_sandbox: Sandbox) -> Contract:
    """A fresh contract for this test: ``.token()``, ``.api()``, ``.advance()``, ``.fault()``, ``.incident()``."""
    return web21_sandbox.contract()
