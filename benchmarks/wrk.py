"""Run a :class:`~benchmarks.job.Job` with ``wrk`` and ``bench.lua``; read its one JSON line back."""

from __future__ import annotations

import json
import math
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.job import Job, LoadResult

SCRIPT = Path(__file__).with_name("bench.lua")
THREADS = 2  # wrk threads: enough to drive 16 connections from one core


def lua_string(text: str) -> str:
    """A Lua string literal for any text (every byte outside printable ASCII as a decimal escape)."""
    out = []
    for byte in text.encode("utf-8"):
        char = chr(byte)
        out.append(char if 32 <= byte < 127 and char not in '"\\' else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def prelude(job: Job, threads: int) -> str:
    """The ``cfg`` table bench.lua reads."""

    def opt(value: str | None) -> str:
        return "nil" if value is None else lua_string(value)

    headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in job.headers.items())
    pool = ",\n  ".join(lua_string(item) for item in job.pool)
    return (
        f"cfg = {{method = {lua_string(job.method)}, path = {lua_string(job.path)},"
        f" headers = {{{headers}}}, body = {opt(job.body)}, pooled = {str(job.pooled).lower()},"
        f" threads = {threads}, chain = {opt(job.chain)}, capture = {opt(job.capture)},\n"
        f" pool = {{\n  {pool}}}}}\n"
    )


def run(job: Job, *, connections: int, seconds: float) -> LoadResult:
    """Load ``job`` with wrk for ``seconds`` (rounded up) over ``connections`` connections."""
    threads = min(THREADS, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(prelude(job, threads) + SCRIPT.read_text())
    try:
        completed = subprocess.run(
            command(job, threads, connections, seconds, script.name),
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    finally:
        Path(script.name).unlink()
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
    return result(json.loads(line.removeprefix("BENCH_JSON ")))


def command(job: Job, threads: int, connections: int, seconds: float, script: str) -> list[str]:
    """The wrk command line: whole seconds, a 30 s request timeout, the generated Lua script."""
    duration = f"-d{max(1, math.ceil(seconds))}s"
    url = f"http://127.0.0.1:{job.port}"
    return ["wrk", f"-t{threads}", f"-c{connections}", duration, "--timeout", "30s", "-s", script, url]


def result(data: dict[str, Any]) -> LoadResult:
    """The :class:`LoadResult` of bench.lua's JSON line (microseconds become milliseconds)."""
    statuses = {str(k): int(v) for k, v in data["statuses"].items()}
    return LoadResult(
        generator="wrk",
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        non2xx=sum(n for status, n in statuses.items() if not status.startswith("2")),
        errors=data["errors"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        statuses=statuses,
        captured=data["captured"],
        exhausted=data["exhausted"],
    )
