"""What a load run sends (:class:`Job`) and what it measured (:class:`LoadResult`), whichever generator ran it.

A job is one fixed request, or a template whose ``@ITEM@`` marker is filled from a pool of items each
used once (approval numbers), optionally refilled from the responses (``chain``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = "@ITEM@"


@dataclass
class Job:
    """What one load run sends, to ``http://127.0.0.1:<port><path>``."""

    name: str
    port: int
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    pool: list[str] = field(default_factory=list)  # items for MARKER, each sent once
    chain: str | None = None  # a JSON string field of the response whose value returns to the pool
    capture: str | None = None  # a JSON string field collected from every 2xx response

    def render(self, item: str | None) -> tuple[str, dict[str, str], bytes | None]:
        """The path, headers and body with ``item`` in place of the marker."""
        fill = (lambda text: text.replace(MARKER, item)) if item is not None else (lambda text: text)
        body = fill(self.body).encode() if self.body is not None else None
        return fill(self.path), {k: fill(v) for k, v in self.headers.items()}, body

    @property
    def pooled(self) -> bool:
        return MARKER in (self.path + (self.body or "") + "".join(self.headers.values()))


@dataclass
class LoadResult:
    """One load run: completed requests, failures and latency percentiles (milliseconds)."""

    generator: str
    requests: int
    seconds: float
    non2xx: int
    errors: int
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    captured: list[str] = field(default_factory=list)
    exhausted: int = 0  # requests not sent because the pool ran dry

    @property
    def rps(self) -> float:
        """Successful (2xx) requests per second."""
        return (self.requests - self.non2xx) / self.seconds if self.seconds else 0.0


def field_pattern(name: str) -> re.Pattern[str]:
    """The value of a JSON string field, found without parsing (the Lua script does the same)."""
    return re.compile(rf'"{re.escape(name)}"\s*:\s*"([^"]*)"')
