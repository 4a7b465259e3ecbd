"""The computing slots (sandbox/wire/slots.py): a bound, and a freed slot goes to the longest waiter."""

from __future__ import annotations

import threading

from sandbox.wire.slots import Slots


def test_a_freed_slot_goes_to_the_longest_waiter_not_to_a_newcomer() -> None:
    slots, order, inside = Slots(1), [], []
    slots.__enter__()  # the one slot is taken

    def wait(name: str) -> None:
        with slots:
            order.append(name)

    first = threading.Thread(target=wait, args=("first",))
    first.start()
    while not slots.waiting:  # until it waits (no timing: its turn object is queued)
        threading.Event().wait(0.001)
    slots.__exit__()  # handed to "first", not left free for whoever comes next
    assert slots.free == 0 or order == ["first"]
    with slots:  # a newcomer gets in only after "first" has left
        inside.append(list(order))
    first.join()
    assert inside == [["first"]] and order == ["first"] and slots.free == 1
