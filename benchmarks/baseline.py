"""The baseline: a bare Flask app whose one endpoint reads one row from SQLite and returns it as JSON.

It is served by the sandbox's own gunicorn configuration (:func:`sandbox.http.server.gunicorn_options`, same
workers and threads), so it is the ceiling for any Flask + SQLite service on this machine. It keeps
one connection per thread: the cheapest honest way to read a row, which is what a ceiling means.

    python -m benchmarks.baseline --db var/bench.db --port 8099
"""

from __future__ import annotations

import argparse
import sqlite3
import threading

from flask import Flask, abort, jsonify

from sandbox.http import server

ROW_SQL = "SELECT * FROM accounts WHERE id = ?"


def create_app(database: str) -> Flask:
    app = Flask(__name__)
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if getattr(local, "conn", None) is None:
            local.conn = sqlite3.connect(database, check_same_thread=False)
            local.conn.row_factory = sqlite3.Row
        return local.conn

    @app.get("/healthz")
    def healthz():  # noqa: ANN202
        return {"status": "ok"}

    @app.get("/row/<row_id>")
    def one_row(row_id: str):  # noqa: ANN202
        found = connection().execute(ROW_SQL, (row_id,)).fetchone()
        if found is None:
            abort(404)
        return jsonify(dict(found))

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    server.run(
        create_app(args.db), host=args.host, port=args.port, workers=args.workers, threads=args.threads
    )


if __name__ == "__main__":
    main()
