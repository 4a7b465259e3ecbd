import json
from datetime import datetime, timedelta

import pytest
from freezegun import freeze_time

from sandbox import clock, events, timetable
from sandbox.clock import JST
from sandbox.store import connect, transaction
from tests.conftest import START


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("90m", timedelta(minutes=90)),
        ("2h", timedelta(hours=2)),
        ("3d", timedelta(days=3)),
        ("1w", timedelta(weeks=1)),
        ("45s", timedelta(seconds=45)),
        ("PT2H", timedelta(hours=2)),
        ("P1DT30M", timedelta(days=1, minutes=30)),
        ("pt90s", timedelta(seconds=90)),
    ],
)
def test_parse_duration(text, delta):
    assert clock.parse_duration(text) == delta


@pytest.mark.parametrize("text", ["", "2x", "-3d", "0m", "P", "PT", "2 hours", "P1Y"])
def test_parse_duration_rejects(text):
    with pytest.raises(ValueError):
        clock.parse_duration(text)


def test_frozen_clock_stands_still(control):
    first = control("GET", "/contracts/C0001/clock", status=200)
    assert first["now"] == "2026-04-01T10:00:00+09:00"
    assert first["mode"] == "frozen"
    assert control("GET", "/contracts/C0001/clock", status=200)["now"] == first["now"]


def test_advance_by_and_to(control):
    assert control.advance("C0001", "90m")["now"] == "2026-04-01T11:30:00+09:00"
    moved = control("POST", "/contracts/C0001/clock/advance", {"to": "2026-04-03T09:00:00+09:00"}, status=200)
    assert moved["now"] == "2026-04-03T09:00:00+09:00"
    # other contracts keep their own time
    assert control("GET", "/contracts/C0002/clock", status=200)["now"] == "2026-04-01T10:00:00+09:00"


def test_clock_never_moves_backwards(control):
    body = control("POST", "/contracts/C0001/clock/advance", {"to": "2026-03-31T10:00:00+09:00"}, status=409)
    assert body["errorCode"] == "clock_backwards"
    assert (
        control("PUT", "/contracts/C0001/clock", {"at": "2026-01-01T00:00:00+09:00"}, status=409)["errorCode"]
        == "clock_backwards"
    )
    assert control("GET", "/contracts/C0001/clock", status=200)["now"] == "2026-04-01T10:00:00+09:00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"by": "soon"}, "by"),
        ({"to": "yesterday"}, "to"),
        ({}, "by"),
        ({"by": "1d", "to": "2026-05-01"}, "by"),
        ({"by": True}, "by"),
    ],
)
def test_bad_clock_input_names_the_field(control, body, field):
    answer = control("POST", "/contracts/C0001/clock/advance", body, status=400)
    assert answer["errorCode"] == "invalid_parameter"
    assert answer["errorDetails"][0]["errorDetailsCode"] == field


def test_running_clock_follows_the_wall(control):
    with freeze_time("2026-04-01T01:00:00Z") as frozen:  # 10:00 JST
        control(
            "PUT",
            "/contracts/C0001/clock",
            {"mode": "running", "at": "2026-06-01T09:00:00+09:00"},
            status=200,
        )
        frozen.tick(timedelta(minutes=5))
        view = control("GET", "/contracts/C0001/clock", status=200)
        assert view["mode"] == "running"
        assert view["now"] == "2026-06-01T09:05:00+09:00"
        control("PUT", "/contracts/C0001/clock", {"mode": "frozen"}, status=200)
        frozen.tick(timedelta(hours=1))
        assert control("GET", "/contracts/C0001/clock", status=200)["now"] == "2026-06-01T09:05:00+09:00"


def empty_queue(db) -> None:
    """Cancel the demo world's own events (monthly fees, transfers): these tests are about the queue itself."""
    db.conn.execute("UPDATE events SET status = 'cancelled' WHERE status = 'pending'")


@pytest.fixture
def recorder(monkeypatch):
    seen: list[tuple[int, str]] = []

    def record(db, contract, event, at):
        seen.append((event["payload"]["n"], clock.to_api(at)))
        if event["payload"].get("chain"):
            events.schedule(
                db, contract["id"], at + timedelta(hours=1), "test-record", {"n": event["payload"]["n"] + 100}
            )
        return {"ok": True}

    monkeypatch.setitem(timetable.HANDLERS, "test-record", record)
    return seen


def test_events_run_in_time_order_at_their_due_time(app, db_path, control, recorder):
    db = connect(db_path)
    with transaction(db):
        empty_queue(db)
        for n, hours in [(3, 30), (1, 2), (2, 5), (4, 24 * 400)]:
            events.schedule(
                db, "C0001", START + timedelta(hours=hours), "test-record", {"n": n, "chain": n == 1}
            )
    answer = control.advance("C0001", "2d")
    assert answer["eventsRun"] == 4
    assert recorder == [
        (1, "2026-04-01T12:00:00+09:00"),
        (101, "2026-04-01T13:00:00+09:00"),  # queued by the first handler, run in the same move
        (2, "2026-04-01T15:00:00+09:00"),
        (3, "2026-04-02T16:00:00+09:00"),
    ]
    assert answer["nextEvent"]["kind"] == "test-record"


def test_touching_a_contract_runs_due_events(app, db_path, control, recorder):
    with freeze_time("2026-04-01T01:00:00Z") as frozen:
        control("PUT", "/contracts/C0001/clock", {"mode": "running"}, status=200)
        db = connect(db_path)
        with transaction(db):
            events.schedule(db, "C0001", START + timedelta(minutes=30), "test-record", {"n": 7})
        control("GET", "/contracts/C0001", status=200)
        assert recorder == []
        frozen.tick(timedelta(minutes=31))
        control("GET", "/contracts/C0001", status=200)
        assert recorder == [(7, "2026-04-01T10:30:00+09:00")]


def test_ten_years_without_events_is_one_query(app, db_path, control, monkeypatch):
    calls = []
    original = events._next_due
    monkeypatch.setattr(events, "_next_due", lambda *a: calls.append(a) or original(*a))
    db = connect(db_path)
    with transaction(db):
        empty_queue(db)
    target = START + timedelta(days=3653)
    result = events.move_clock(db, "C0003", target)
    assert result["eventsRun"] == 0
    assert len(calls) == 1  # O(events), not O(elapsed time)
    assert control("GET", "/contracts/C0003/clock", status=200)["now"] == clock.to_api(target)


def test_a_failing_event_is_recorded_and_the_clock_still_moves(app, db_path, control, monkeypatch):
    def boom(db, contract, event, at):
        raise RuntimeError("boom")

    monkeypatch.setitem(timetable.HANDLERS, "test-boom", boom)
    db = connect(db_path)
    with transaction(db):
        events.schedule(db, "C0001", START + timedelta(minutes=1), "test-boom")
    assert control.advance("C0001", "1h")["now"] == "2026-04-01T11:00:00+09:00"
    status = db.conn.execute("SELECT status, result FROM events WHERE kind = 'test-boom'").fetchone()
    assert (status[0], json.loads(status[1])) == ("failed", "RuntimeError: boom")


def test_advance_every_contract(control):
    answer = control("POST", "/clock/advance", {"by": "1d"}, status=200)
    assert answer["count"] == 3
    assert {c["now"] for c in answer["contracts"]} == {"2026-04-02T10:00:00+09:00"}


def test_parse_instant_naive_is_jst():
    assert clock.parse_instant("2026-04-01T09:00:00") == datetime(2026, 4, 1, 9, 0, tzinfo=JST)
