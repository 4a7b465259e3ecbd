"""The benchmark harness works (not how fast anything is): modules import, both load generators drive a
tiny local server, pools are used once and chains refill them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from benchmarks import baseline, load, report, run  # noqa: F401  (import check)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self._answer(200 if self.headers.get("Authorization") == "Bearer t" else 401, {"ok": True})

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        Handler.seen.append(body)
        item = json.loads(body)["item"]
        if item.startswith("dead"):
            self._answer(400, {"error": "used"})
        else:
            self._answer(201, {"next": f"{item}+", "applyNo": f"A{item}"})

    def _answer(self, status: int, data: dict) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tiny() -> Iterator[int]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.seen = []
    yield httpd.server_address[1]
    httpd.shutdown()


GENERATORS = [
    "python",
    pytest.param("wrk", marks=pytest.mark.skipif(not load.wrk_available(), reason="no wrk")),
]


@pytest.mark.parametrize("generator", GENERATORS)
def test_fixed_request_with_header(tiny: int, generator: str) -> None:
    job = load.Job("get", tiny, "/x", headers={"Authorization": "Bearer t"})
    result = load.run(job, connections=2, seconds=1, generator=generator)
    assert result.requests > 10 and result.non2xx == 0 and result.statuses == {"200": result.requests}
    assert 0 < result.p50_ms <= result.p99_ms


@pytest.mark.parametrize("generator", GENERATORS)
def test_pool_items_are_used_once_and_captured(tiny: int, generator: str) -> None:
    items = [f"i{n}" for n in range(20)]
    job = load.Job("post", tiny, "/p", "POST", body='{"item": "@ITEM@"}', pool=items, capture="applyNo")
    result = load.run(job, connections=2, seconds=1, generator=generator)
    sent = [json.loads(body)["item"] for body in Handler.seen if "exhausted" not in body]
    assert sorted(sent) == sorted(items)
    assert sorted(result.captured) == sorted(f"A{i}" for i in items)
    assert result.exhausted >= 1


@pytest.mark.parametrize("generator", GENERATORS)
def test_chain_refills_the_pool(tiny: int, generator: str) -> None:
    job = load.Job("chain", tiny, "/p", "POST", body='{"item": "@ITEM@"}', pool=["a", "b"], chain="next")
    result = load.run(job, connections=2, seconds=1, generator=generator)
    assert result.requests > 10 and result.non2xx == 0
    assert any(body.endswith('+++"}') for body in Handler.seen)


def test_lua_string_escapes_everything() -> None:
    from benchmarks.wrk import lua_string

    assert lua_string('a"b\\c\n円') == '"a\\034b\\092c\\010\\229\\134\\134"'


def test_baselines_do_each_figures_storage_work(db_path) -> None:  # noqa: ANN001
    """Each ceiling reads what its figure reads (3 deposit rows, a statement page) or commits one row."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    contract, account = conn.execute(
        "SELECT contract_id, id FROM accounts WHERE kind = 'deposit' ORDER BY contract_id, id LIMIT 1"
    ).fetchone()
    conn.close()
    web = baseline.create_app(str(db_path)).test_client()
    assert web.get(f"/row/{account}").json["id"] == account
    shown = web.get(f"/balances/{contract}").json
    assert shown["count"] >= 1 and {b["contract_id"] for b in shown["balances"]} == {contract}
    page = web.get(f"/statement/{account}?from=2000-01-01&to=2100-01-01").json
    assert 0 < page["count"] <= 500
    assert web.post("/insert", data="x=1").status_code == 201
    assert sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM baseline_inserts").fetchone() == (1,)


def test_the_peer_gets_the_same_request_with_one_fixed_item() -> None:
    """Prism keeps no state: a pooled job goes to it with its first item in place, no pool or chain."""
    from benchmarks import peer
    from benchmarks.job import MARKER, Job

    job = Job(
        "approval",
        8021,
        "/corporation/v1/transfer/approval",
        "POST",
        headers={"Authorization": "Bearer t"},
        body='{"applyNo": "' + MARKER + '"}',
        pool=["2026040100000001", "2026040100000002"],
        chain="applyNo",
    )
    mock = peer.job_for(job, peer.Peer(4010, None, "5.14.2"))  # type: ignore[arg-type]
    assert (mock.port, mock.method, mock.path) == (4010, "POST", job.path)
    assert mock.body == '{"applyNo": "2026040100000001"}'
    assert (mock.pool, mock.chain, mock.capture, mock.pooled) == ([], None, None, False)
    assert not peer.is_read(mock) and mock.headers == job.headers


def test_the_table_shows_the_peer_beside_its_target() -> None:
    fig = report.Figure("balances", "GET /accounts/balances", 1500.0, "req/s", baseline=3000.0)
    fig.peer, fig.peer_target = 600.0, 2.0
    assert fig.peer_met is True and round(fig.peer_ratio or 0, 1) == 2.5
    text = report.table([fig], {**report.machine(), "generator": "wrk", "connections": 16, "peer": "Prism 5"})
    assert "peer: Prism 5" in text and "600 req/s: 2.5x (>= 2x: yes)" in text
    assert report.to_json([fig], {})["figures"]["balances"]["peerRatio"] == 2.5
