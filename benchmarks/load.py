"""Load generators: ``wrk`` when installed, else a Python one (threads + keep-alive ``http.client``).

A :class:`~benchmarks.job.Job` says what to send. It is one fixed request, or a template whose ``@ITEM@`` marker is
filled from a pool of items each used once (approval numbers), optionally refilled from the responses
(``chain``: a rotated refresh token goes back into the pool). Both generators honour the same
semantics, so a figure means the same whichever measured it.
"""

from __future__ import annotations

import collections
import http.client
import json
import shutil
import threading
import time
from typing import Any

from benchmarks import wrk
from benchmarks.job import Job, LoadResult, field_pattern


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def run(job: Job, *, connections: int, seconds: float, generator: str | None = None) -> LoadResult:
    """Load ``job`` for ``seconds`` over ``connections`` keep-alive connections."""
    generator = generator or ("wrk" if wrk_available() else "python")
    if generator == "wrk":
        return wrk.run(job, connections=connections, seconds=seconds)
    return PythonLoad(job, connections).run(seconds)


class PythonLoad:
    """The fallback generator: one thread per connection, each a keep-alive ``http.client`` loop.

    It shares the machine's cores (and one GIL) with nothing but itself, so it saturates sooner than
    wrk: its absolute figures are lower bounds, its ratios stay fair because both servers get it.
    """

    def __init__(self, job: Job, connections: int) -> None:
        self.job, self.connections = job, connections
        self.pool: collections.deque[str] = collections.deque(job.pool)
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: collections.Counter[str] = collections.Counter()
        self.captured: list[str] = []
        self.errors = self.exhausted = 0
        self.chain = field_pattern(job.chain) if job.chain else None
        self.capture = field_pattern(job.capture) if job.capture else None

    def run(self, seconds: float) -> LoadResult:
        deadline = time.perf_counter() + seconds
        started = time.perf_counter()
        workers = [threading.Thread(target=self._loop, args=(deadline,)) for _ in range(self.connections)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
        ordered = sorted(self.latencies)
        non2xx = sum(n for status, n in self.statuses.items() if not status.startswith("2"))
        return LoadResult(
            "python",
            len(ordered),
            elapsed,
            non2xx,
            self.errors,
            percentile(ordered, 50) * 1000,
            percentile(ordered, 99) * 1000,
            dict(self.statuses),
            self.captured,
            self.exhausted,
        )

    def _next_item(self) -> tuple[bool, str | None]:
        if not self.job.pooled:
            return True, None
        try:
            return True, self.pool.popleft()
        except IndexError:
            return False, None

    def _loop(self, deadline: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.job.port, timeout=30)
        latencies, statuses = [], collections.Counter()
        while time.perf_counter() < deadline:
            ok, item = self._next_item()
            if not ok:
                with self.lock:
                    self.exhausted += 1
                break
            path, headers, body = self.job.render(item)
            began = time.perf_counter()
            try:
                conn.request(self.job.method, path, body=body, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.job.port, timeout=30)
                continue
            latencies.append(time.perf_counter() - began)
            statuses[str(response.status)] += 1
            self._harvest(response.status, text)
        conn.close()
        with self.lock:
            self.latencies += latencies
            self.statuses.update(statuses)

    def _harvest(self, status: int, text: str) -> None:
        if not 200 <= status < 300:
            return
        if self.chain and (found := self.chain.search(text)):
            self.pool.append(found.group(1))
        if self.capture and (found := self.capture.search(text)):
            with self.lock:
                self.captured.append(found.group(1))


def describe(result: LoadResult) -> dict[str, Any]:
    """A JSON-ready summary of one run."""
    return {
        "generator": result.generator,
        "requests": result.requests,
        "seconds": round(result.seconds, 3),
        "rps": round(result.rps, 1),
        "p50Ms": round(result.p50_ms, 2),
        "p99Ms": round(result.p99_ms, 2),
        "non2xx": result.non2xx,
        "errors": result.errors,
        "statuses": result.statuses,
        **({"exhausted": result.exhausted} if result.exhausted else {}),
    }


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
