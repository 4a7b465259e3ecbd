"""The per-contract bound on requests in flight (sandbox/wire/inflight.py), in-process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.wire.inflight import InFlight


def trickle() -> Iterator[bytes]:
    yield b"a"
    yield b"b"


def test_a_built_answer_counts_out_at_once_and_a_streamed_one_when_closed() -> None:
    bound = InFlight(2)
    assert bound.serve("C1", lambda: [b"done"]) == [b"done"]
    assert bound.counts == {}
    first = bound.serve("C1", trickle)
    second = bound.serve("C1", trickle)
    assert first is not None and second is not None
    assert bound.serve("C1", lambda: [b"x"]) is None  # the third of C1 is refused...
    assert bound.serve("C2", lambda: [b"y"]) == [b"y"]  # ...another contract's is not
    assert b"".join(first) == b"ab"
    first.close()  # type: ignore[union-attr]
    first.close()  # type: ignore[union-attr]  # the server may close twice: counted out once
    assert bound.counts == {"C1": 1}
    second.close()  # type: ignore[union-attr]  # never read (the client went): still counted out
    assert bound.counts == {}


def test_an_answer_that_raises_counts_out_and_unattributed_requests_are_not_counted() -> None:
    bound = InFlight(1)

    def held() -> list[bytes]:
        raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        bound.serve("C1", held)
    assert bound.counts == {}
    assert bound.serve(None, lambda: [b"a"]) == [b"a"]
    assert bound.serve(None, lambda: [b"b"]) == [b"b"]
