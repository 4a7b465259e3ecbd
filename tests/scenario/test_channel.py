"""The runner's channel to a client command: a client that is gone is told as such, with its last stderr lines,
however early it went (the race behind a once-flaky ``test_client_that_exits_early``)."""

from __future__ import annotations

import sys

import pytest

from sandbox.scenario.channel import ClientGone, ProcessClient

EXITS = f"{sys.executable} -c \"import sys; sys.stderr.write('missing WEB21_FOO\\n'); sys.exit(3)\""


def test_a_client_gone_before_the_first_command_is_told_with_its_code_and_stderr():
    client = ProcessClient(EXITS, {})
    client.start()
    client.process.wait()  # exited before the runner wrote anything
    with pytest.raises(ClientGone) as gone:
        client.send({"do": "balances"}, timeout=5)
    assert str(gone.value) == (
        "the client exited with code 3 before answering; its last messages:\n    missing WEB21_FOO"
    )
    assert client.stop() == 3
