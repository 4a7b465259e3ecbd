"""docs/oauth.md names every OAuth error code, CLI command and token setting (docs are tested)."""

from __future__ import annotations

import click

from sandbox.cli.main import main
from sandbox.errors import BankError
from sandbox.oauth import errors as oauth_errors
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "oauth.md").read_text(encoding="utf-8")
SETTINGS = (
    "accessTokenLifetime",
    "refreshTokenRotation",
    "grantLifetime",
    "codeLifetime",
    "revokePreviousGrant",
    "loginLockoutThreshold",
)


def test_every_error_code_is_documented():
    codes = [
        cls.code
        for cls in vars(oauth_errors).values()
        if isinstance(cls, type) and issubclass(cls, BankError) and cls.__module__ == oauth_errors.__name__
    ]
    assert len(codes) >= 10
    assert [c for c in codes if f"`{c}`" not in DOC] == []


def test_every_command_and_setting_is_documented():
    for group in ("client", "token", "user"):
        command = main.commands[group]
        assert isinstance(command, click.Group)
        for name in command.commands:
            assert f"web21-sandbox {group} {name}" in DOC, f"{group} {name}"
    assert [s for s in SETTINGS if f"`{s}`" not in DOC] == []
