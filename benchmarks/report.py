"""Figures, their targets, the stdout table and the JSON file."""

from __future__ import annotations

import json
import os
import platform
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks import load
from benchmarks.job import LoadResult


@dataclass
class Figure:
    """One line of the table. ``value`` is the sandbox's headline number, ``baseline`` the ceiling's."""

    key: str
    label: str
    value: float | None
    unit: str
    baseline: float | None = None
    target: str = ""
    met: bool | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    note: str = ""
    ceiling: str = ""  # what the baseline did (benchmarks.baseline), when there is one
    peer: float | None = None  # Prism's mock on the same request (benchmarks.peer), when it ran
    peer_target: float | None = None  # the sandbox's rate over the peer's it should reach

    @property
    def peer_ratio(self) -> float | None:
        if self.value is None or not self.peer:
            return None
        return self.value / self.peer

    @property
    def peer_met(self) -> bool | None:
        if self.peer_ratio is None or self.peer_target is None:
            return None
        return self.peer_ratio >= self.peer_target

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


def missing(key: str, label: str, unit: str, why: str) -> Figure:
    """A figure that could not be measured in this run, and why (never a made-up number)."""
    return Figure(key, label, None, unit, note=why)


def median_runs(runs: list[LoadResult]) -> dict[str, Any]:
    """Medians over alternating runs, with each run kept for the JSON."""
    return {
        "rps": statistics.median(r.rps for r in runs),
        "p50Ms": statistics.median(r.p50_ms for r in runs),
        "p99Ms": statistics.median(r.p99_ms for r in runs),
        "runs": [load.describe(r) for r in runs],
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count(),
        "cpuModel": model or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadAverageAtStart": [round(x, 2) for x in os.getloadavg()],
    }


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("req/s", "rows/s", "lines/s"):
        return f"{value:,.0f} {unit}"
    if unit == "MiB":
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def rows(figures: list[Figure]) -> list[list[str]]:
    out = []
    for fig in figures:
        met = {True: "yes", False: "NO", None: ""}[fig.met]
        ratio = f"{fig.ratio:.0%}" if fig.ratio is not None else ""
        value = _fmt(fig.value, fig.unit) if fig.value is not None else f"n/a: {fig.note}"
        base = _fmt(fig.baseline, fig.unit) if fig.baseline else ""
        if base and fig.ceiling:
            base += f" ({fig.ceiling})"
        out.append([fig.label, value, base, ratio, fig.target, met, _peer(fig)])
    return out


def _peer(fig: Figure) -> str:
    if fig.peer is None or fig.peer_ratio is None:
        return ""
    met = {True: "yes", False: "NO", None: ""}[fig.peer_met]
    return f"{_fmt(fig.peer, fig.unit)}: {fig.peer_ratio:.1f}x (>= {fig.peer_target:g}x: {met})"


def table(figures: list[Figure], info: dict[str, Any]) -> str:
    """The readable table printed on stdout."""
    header = ["figure", "sandbox", "baseline", "ratio", "target", "met", "peer (Prism mock)"]
    body = rows(figures)
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    text = [
        f"web21-sandbox bench: {info['cores']} cores, {info['cpuModel']}, Python {info['python']}, "
        f"load generator {info['generator']}, {info['connections']} connections",
        f"peer: {info.get('peer', 'not run')}",
        f"load average (1, 5, 15 min) at start {info['loadAverageAtStart']}, at end {info.get('loadAverageAtEnd')}",
        line,
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)),
        line,
    ]
    text += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    text.append(line)
    notes = [f"  {fig.label}: {fig.note}" for fig in figures if fig.note and fig.value is not None]
    return "\n".join(text + (["notes:", *notes] if notes else []))


def to_json(figures: list[Figure], info: dict[str, Any]) -> dict[str, Any]:
    return {
        "machine": info,
        "figures": {
            fig.key: {
                **{k: v for k, v in asdict(fig).items() if k != "key"},
                "ratio": round(fig.ratio, 3) if fig.ratio is not None else None,
                "peerRatio": round(fig.peer_ratio, 3) if fig.peer_ratio is not None else None,
            }
            for fig in figures
        },
    }


def write_json(path: str | Path, figures: list[Figure], info: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(to_json(figures, info), ensure_ascii=False, indent=2) + "\n")
