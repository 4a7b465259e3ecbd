"""A bound on one contract's requests in flight in one worker process (issue 13, item 7).

A workshop participant's own fault rules (``timeout`` up to 120 s, ``latency``, ``slow_body``) hold their
requests open on purpose, each on one of a worker's threads (a greenlet under gevent); without a bound
one participant could take them all. Each worker admits at most
``MAX_IN_FLIGHT_PER_CONTRACT`` requests of one contract at once (from the moment the fault layer has
attributed the request until its answer is sent, trickled or dropped); the next one is answered at once
with 429 ``too_many_in_flight`` and ``Retry-After: 1``. Requests without a contract are not counted.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator


class InFlight:
    """Per-contract counts of requests being served by this process."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()  # gthread workers; under gevent it is never waited on

    def enter(self, key: str) -> bool:
        """Count a request of ``key`` in, unless the contract already has ``limit`` in flight here."""
        with self.lock:
            if self.counts[key] >= self.limit:
                return False
            self.counts[key] += 1
            return True

    def leave(self, key: str) -> None:
        with self.lock:
            self.counts[key] -= 1
            if self.counts[key] <= 0:
                del self.counts[key]

    def serve(self, key: str | None, serve: Callable[[], Iterable[bytes]]) -> Iterable[bytes] | None:
        """Run ``serve`` counted against ``key``; None (without running it) when the bound is reached.

        A body already built (a list) ends the count at once; a streamed one (a trickle, a cut answer)
        when the server has sent it or the client has gone.
        """
        if key is None:
            return serve()
        if not self.enter(key):
            return None
        try:
            answer = serve()
        except BaseException:
            self.leave(key)
            raise
        if isinstance(answer, list):
            self.leave(key)
            return answer
        return _Counted(self, key, answer)


class _Counted:
    """A streamed answer that counts its request out when the server closes it (the WSGI rule: always,
    sent in full or not), once."""

    def __init__(self, bound: InFlight, key: str, answer: Iterable[bytes]) -> None:
        self.bound, self.key, self.answer = bound, key, answer
        self.open = True

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.answer)

    def close(self) -> None:
        if not self.open:
            return
        self.open = False
        try:
            close = getattr(self.answer, "close", None)
            if close is not None:
                close()
        finally:
            self.bound.leave(self.key)
