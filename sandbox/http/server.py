"""Serving: gunicorn with threaded workers (the default) or gevent ones, or Flask's reloading dev server.

Issue 13 (measured in docs/bench.md): a slow client, and a request held by a ``timeout``, ``latency`` or
``slow_body`` fault, each occupy one thread of the threaded server. With 32 threads a worker, of which 4
compute at once (``COMPUTING_PER_WORKER``: waits happen outside those slots, ``wire/middleware.py``), and
one contract bounded to half of them (``MAX_IN_FLIGHT_PER_CONTRACT``, ``wire/inflight.py``), one participant
holding 80 requests and a dozen slow clients leave the others their throughput. gevent workers make a
slow client or a held answer cost a greenlet instead (no thread count to exhaust), but every wait for
the other worker's SQLite write lock then stops a whole worker: writes measured at a half to a quarter
of the threaded server's. So threads are the default and gevent the option for a server facing many
slow clients.
"""

from __future__ import annotations

import warnings
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from sandbox import checkpointer, store
from sandbox.notify import worker
from sandbox.wire import logfile

WORKER_CLASSES = ("gevent", "gthread")
# Open connections a gevent worker serves at once (gunicorn's worker_connections); beyond, the kernel
# queues them. Each costs a greenlet and, once it sends a request, two SQLite connections.
CONNECTIONS_PER_WORKER = 1000


class SandboxServer(BaseApplication):
    """gunicorn, configured in code, serving an app built once and forked into the workers."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("post_fork", self.post_fork)
        self.cfg.set("post_worker_init", self.post_worker_init)

    def post_fork(self, _server: Any, _worker: Any) -> None:
        """Each worker checkpoints the store's WAL from a thread of its own, off the request path."""
        database = self.application.config.get("DATABASE")
        if database and str(database) != ":memory:":
            checkpointer.start(database)
            checkpointer.start(store.log_path(database))  # the request log's own file
            worker.start(str(database), self.application.config)  # notification deliveries

    def post_worker_init(self, _worker: Any) -> None:
        """A gevent worker: the per-thread connection caches were made before the patch (the app is built
        once, before the fork), so they are made again, one per greenlet; lock waits let others run."""
        if self.cfg.worker_class_str == "gevent":
            store.renew_thread_cache()
            logfile.renew_thread_cache()
            store.wait_cooperatively()

    def load(self) -> Flask:
        return self.application


def gunicorn_options(
    host: str, port: int, workers: int, threads: int, worker_class: str = "gthread"
) -> dict[str, Any]:
    """The configuration ``serve`` runs (and the benchmark's baseline server, for the same footing)."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": worker_class,
        "threads": threads,
        "worker_connections": CONNECTIONS_PER_WORKER,
        "preload_app": True,
        # A `timeout` fault holds a connection open on purpose; the worker must not be killed for it.
        "timeout": 300,
        "graceful_timeout": 3,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }


def run(
    app: Flask, *, host: str, port: int, workers: int, threads: int, worker_class: str = "gthread"
) -> None:
    """Serve ``app`` until stopped.

    For gevent the arbiter patches the standard library once, before it forks: the workers' own patch
    then finds nothing to do and their first request is not late (patching scans every installed
    package's entry points, a second or more in a large environment). It comes after the libraries'
    import of ``ssl``; gevent's warning about that is dropped: the server makes no TLS connection itself.
    """
    if worker_class == "gevent":
        from gevent import monkey  # imported here: only a gevent server patches anything

        warnings.filterwarnings("ignore", message="Monkey-patching ssl after ssl has already been imported")
        monkey.patch_all()
    SandboxServer(app, gunicorn_options(host, port, workers, threads, worker_class)).run()
