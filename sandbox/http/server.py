"""Serving: gunicorn with threaded workers (the default), or Flask's reloading dev server."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from sandbox import store
from sandbox.notify import worker


class SandboxServer(BaseApplication):
    """gunicorn, configured in code, serving an app built once and forked into the workers."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("post_fork", self.post_fork)

    def post_fork(self, _server: Any, _worker: Any) -> None:
        """Each worker checkpoints the store's WAL from a thread of its own, off the request path."""
        database = self.application.config.get("DATABASE")
        if database and str(database) != ":memory:":
            store.start_checkpointer(database)
            store.start_checkpointer(store.log_path(database))  # the request log's own file
            worker.start(str(database), self.application.config)  # notification deliveries

    def load(self) -> Flask:
        return self.application


def gunicorn_options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        # A `timeout` fault holds a connection open on purpose; the worker must not be killed for it.
        "timeout": 300,
        "graceful_timeout": 3,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
    }


def run(app: Flask, *, host: str, port: int, workers: int, threads: int) -> None:
    SandboxServer(app, gunicorn_options(host, port, workers, threads)).run()
