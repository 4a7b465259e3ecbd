"""The command line's edges: URLs, keys, a busy port, and help for every option."""

from __future__ import annotations

import http.server
import os
import socket
import threading

import click
import pytest
from click.testing import CliRunner

from sandbox.cli.main import base_url, main
from tests.conftest import ADMIN_KEY, LiveServer


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("http://127.0.0.1:8021", "http://127.0.0.1:8021"),
        ("http://127.0.0.1:8021/", "http://127.0.0.1:8021"),
        ("http://127.0.0.1:8021/sandbox/v1", "http://127.0.0.1:8021"),
        ("https://bank.example/sandbox/v1/", "https://bank.example"),
    ],
)
def test_url_is_the_base_whatever_was_pasted(given, used):
    assert base_url(given) == used


@pytest.mark.parametrize("given", ["127.0.0.1:8021", "localhost", "ftp://x", "http://"])
def test_a_url_without_a_scheme_is_one_line(given):
    result = CliRunner().invoke(main, ["--url", given, "contracts", "list"])
    assert result.exit_code == 2
    assert "is not a URL like http://127.0.0.1:8021" in result.output
    assert "Traceback" not in result.output


def test_a_refused_key_says_where_it_came_from(live_server: LiveServer, tmp_path):
    result = CliRunner().invoke(
        main,
        ["--db", str(tmp_path / "x.db"), "--url", live_server.url, "--key", "wrong", "contracts", "list"],
    )
    assert result.exit_code == 1
    assert "sandbox_key_invalid" in result.output and "--key / WEB21_SANDBOX_KEY" in result.output


def test_the_admin_key_variable_the_server_reads_works_for_the_cli(live_server: LiveServer, tmp_path):
    env = {"WEB21_SANDBOX_ADMIN_KEY": ADMIN_KEY}
    result = CliRunner().invoke(
        main, ["--db", str(tmp_path / "x.db"), "--url", live_server.url, "contracts", "list"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "C0001" in result.output


class HtmlPage(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = b"<html><body>It works!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def test_a_server_that_is_not_a_sandbox_is_one_line(tmp_path):
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), HtmlPage) as other:
        threading.Thread(target=other.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{other.server_address[1]}"
        result = CliRunner().invoke(
            main, ["--db", str(tmp_path / "x.db"), "--url", url, "--key", ADMIN_KEY, "contracts", "list"]
        )
        other.shutdown()
    assert result.exit_code == 1
    assert "without JSON: is it a web21-sandbox?" in result.output
    assert "<html" not in result.output.lower()


def test_serve_on_a_busy_port_is_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["--db", str(tmp_path / "s.db"), "serve", "--port", str(port)])
    assert result.exit_code == 1
    holder = f"PID {os.getpid()} ("  # this process holds the port
    assert f"port {port} on 127.0.0.1 is in use by {holder}" in result.output
    assert result.output.strip().count("\n") == 0  # one line
    assert "web21-sandbox (unofficial" not in result.output  # no banner first
    assert not (tmp_path / "s.db").exists()


def test_every_option_has_help():
    missing = []

    def walk(command: click.Command, path: str) -> None:
        for param in command.params:
            if isinstance(param, click.Option) and not param.help and param.name != "help":
                missing.append(f"{path} {param.opts[0]}")
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(main, "web21-sandbox")
    assert not missing, missing


def test_seed_and_reset_say_different_things():
    assert main.commands["seed"].help != main.commands["reset"].help


def test_reset_asks_before_wiping_registered_clients(runner):
    runner("client", "register", "--contract", "C0003", "--redirect-uri", "http://127.0.0.1:3000/cb")
    refused = runner("reset", input="n\n")
    assert refused.exit_code == 1 and "1 client(s) you registered" in refused.output
    assert "c0003-" in runner("client", "list", "--contract", "C0003").output.split("\n", 2)[2]  # still there
    done = runner("reset", "--yes")
    assert done.exit_code == 0 and "world demo" in done.output
    assert runner("reset").exit_code == 0  # only the demo clients now: no question


def test_incident_output_is_text_not_a_repr(runner):
    result = runner("incident", "suspend", "--contract", "C0003")
    assert result.exit_code == 0, result.output
    assert "before=active after=suspended" in result.output and "{" not in result.output
