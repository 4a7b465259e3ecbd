"""A worker's slots for computing requests, handed out in arrival order.

``threading.Semaphore`` lets a thread that arrives just as a slot frees take it ahead of the threads
already waiting, so under steady load some requests wait far longer than others (a long latency tail).
Here a freed slot goes straight to the longest waiter, as gunicorn's own thread-pool queue did when a
worker had only as many threads as slots.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any


class Slots:
    """At most ``count`` holders at once (``with slots:``), the others served first come, first served."""

    def __init__(self, count: int) -> None:
        self.free = count
        self.lock = threading.Lock()
        self.waiting: deque[threading.Event] = deque()

    def __enter__(self) -> Slots:
        with self.lock:
            if self.free and not self.waiting:
                self.free -= 1
                return self
            turn = threading.Event()
            self.waiting.append(turn)
        turn.wait()  # the slot is handed over by __exit__, never taken from under a waiter
        return self

    def __exit__(self, *_exc: Any) -> None:
        with self.lock:
            if self.waiting:
                self.waiting.popleft().set()
            else:
                self.free += 1
