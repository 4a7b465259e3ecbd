"""web21-sandbox: an unofficial local sandbox of a Japanese corporate bank's server-connection API."""

from __future__ import annotations

from typing import Any

from sandbox.config import VERSION as __version__

__all__ = ["__version__", "create_app"]


def __getattr__(name: str) -> Any:
    # Lazy: `python -m sandbox.scenario.reference_client` and the CLI's light commands need not load the app.
    if name == "create_app":
        from sandbox.app import create_app

        return create_app
    raise AttributeError(name)
