"""What every ``web21-sandbox`` command shares: click settings, the control client, ``--contract``, JSON output."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import click

from sandbox.client import ControlClient

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
CONTRACT_HELP = "Contract id, e.g. C0001."


def client_of(ctx: click.Context) -> ControlClient:
    """The :class:`ControlClient` the ``web21-sandbox`` group built from ``--db``, ``--url`` and ``--key``."""
    return ctx.find_object(ControlClient)


def pass_client(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the group's :class:`ControlClient` as its first argument."""

    @click.pass_context
    @functools.wraps(fn)
    def wrapper(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        return fn(client_of(ctx), *args, **kwargs)

    return wrapper


def contract_option(*, required: bool = True, help: str = CONTRACT_HELP) -> Callable[[Any], Any]:
    """``--contract`` (into ``contract_id``): the one contract a command acts on, or an optional filter."""
    return click.option("--contract", "contract_id", required=required, help=help)


def echo_json(data: Any) -> None:
    """Print ``data`` as indented JSON, Japanese text as it is."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
