"""The baselines: a bare Flask app doing each HTTP figure's storage work on SQLite, and nothing else.

Served by the sandbox's own gunicorn configuration (:func:`sandbox.http.server.gunicorn_options`, same
workers and threads) with the sandbox's connection pragmas (WAL, synchronous=NORMAL), so each endpoint is the
ceiling for its figure on this machine: the ratio then measures only the sandbox's own overhead.

    GET  /row/<account>         one row (the stack floor)
    GET  /balances/<contract>   the contract's 3 deposit rows (ceiling of GET /accounts/balances)
    GET  /statement/<account>?from=&to=  the 500 statement rows read and serialised (ceiling of the statement page)
    POST /insert                one row inserted in a write transaction (ceiling of request/approval/refresh)

    python -m benchmarks.baseline --db var/bench.db --port 8099
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import threading
import uuid

from flask import Flask, abort, jsonify, request

from sandbox.http import server

ROW_SQL = "SELECT * FROM accounts WHERE id = ?"
BALANCES_SQL = "SELECT * FROM accounts WHERE contract_id = ? AND kind = 'deposit' ORDER BY id"
STATEMENT_SQL = (  # the rows and columns of the sandbox's page (sandbox.bank.statements.lines)
    "SELECT id, amount, balance_after, value_date, posted_at, description, counterparty_kana, edi, item_key"
    " FROM postings WHERE account_id = ? AND item_key > ? AND value_date >= ? AND value_date <= ?"
    " ORDER BY item_key LIMIT 500"
)
INSERT_TABLE = "CREATE TABLE IF NOT EXISTS baseline_inserts (id TEXT PRIMARY KEY, body TEXT, at TEXT)"
INSERT_SQL = "INSERT INTO baseline_inserts VALUES (?, ?, datetime('now'))"


def connect(database: str) -> sqlite3.Connection:
    """A connection with the sandbox store's pragmas, so the ceiling pays what the sandbox pays per commit."""
    conn = sqlite3.connect(database, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def create_app(database: str) -> Flask:
    """The baseline app on ``database`` (a copy of the seeded bench world), one connection per thread."""
    app = Flask(__name__)
    app.json.sort_keys = False  # as the sandbox's app: sorting 500 rows' keys is work it does not do
    local = threading.local()
    setup = connect(database)
    setup.execute(INSERT_TABLE)
    setup.close()

    def connection() -> sqlite3.Connection:
        if getattr(local, "conn", None) is None:
            local.conn = connect(database)
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

    @app.get("/balances/<contract_id>")
    def balances(contract_id: str):  # noqa: ANN202
        rows = connection().execute(BALANCES_SQL, (contract_id,)).fetchall()
        return jsonify({"count": len(rows), "balances": [dict(r) for r in rows]})

    @app.get("/statement/<account_id>")
    def statement(account_id: str):  # noqa: ANN202
        dates = (request.args.get("from", ""), request.args.get("to", "9999"))
        start = dates[0].replace("-", "")  # the key range's start, as statements.lower_bound gives it
        rows = connection().execute(STATEMENT_SQL, (account_id, start, *dates)).fetchall()
        return jsonify({"count": len(rows), "transactions": [dict(r) for r in rows]})

    @app.post("/insert")
    def insert():  # noqa: ANN202
        conn = connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(INSERT_SQL, (uuid.uuid4().hex, request.get_data(as_text=True)))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return jsonify({"status": "ok"}), 201

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB21_SANDBOX_THREADS", 32)))
    parser.add_argument("--worker-class", default=os.environ.get("WEB21_SANDBOX_WORKER_CLASS", "gthread"))
    args = parser.parse_args(argv)
    server.run(
        create_app(args.db),
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        worker_class=args.worker_class,
    )


if __name__ == "__main__":
    main()
