"""Issue 13 item 13: a weak admin key is refused when the server would listen beyond loopback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from sandbox.cli.main import main
from sandbox.http.control.auth import weak_key_problem


@pytest.mark.parametrize("key", ["change-me", "short-key"])
def test_serve_refuses_a_weak_admin_key_beyond_loopback(tmp_path, key):
    result = CliRunner().invoke(
        main,
        ["--db", str(tmp_path / "s.db"), "serve", "--host", "0.0.0.0"],
        env={"WEB21_SANDBOX_ADMIN_KEY": key},
    )
    assert result.exit_code == 2 and "too weak" in result.output
    assert not (tmp_path / "s.db").exists()  # refused before anything was seeded


def test_which_keys_and_hosts_pass():
    assert weak_key_problem("127.0.0.1", "change-me") is None  # loopback: only this machine can try
    assert weak_key_problem("::1", "change-me") is None and weak_key_problem("localhost", "x") is None
    assert weak_key_problem("0.0.0.0", None) is None  # generated on first use
    assert weak_key_problem("0.0.0.0", "sbx_admin_Xq3k9vT2mPq8ZrLw4nB7") is None
    assert weak_key_problem("192.0.2.1", "admin") is not None
