"""The CLI through CliRunner, in-process on the test database (the same views as over HTTP)."""

from sandbox.cli.main import main


def test_contracts_list(runner):
    result = runner("contracts", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == ["C0001", "C0002", "C0003"]
    assert lines[1].endswith("(child of C0001)")
    assert "2026-04-01T10:00:00+09:00" in lines[0]


def test_clock_show_advance_set(runner, db_path):
    from sandbox.store import connect

    db = connect(db_path)  # no demo events (monthly fees, transfers) on the way: only the clock is under test
    db.conn.execute("UPDATE events SET status = 'cancelled' WHERE status = 'pending'")
    db.conn.close()
    assert (
        runner("clock", "show", "--contract", "C0001").output
        == "C0001  2026-04-01T10:00:00+09:00  frozen   business day\n"
    )
    assert runner("clock", "advance", "3d", "--contract", "C0001").output == (
        "C0001  2026-04-04T10:00:00+09:00  frozen   holiday (土曜日)  (0 events run)\n"
    )
    result = runner("clock", "set", "2026-05-06T09:00:00", "--contract", "C0001")
    assert (
        result.output
        == "C0001  2026-05-06T09:00:00+09:00  frozen   holiday (憲法記念日 振替休日)  (0 events run)\n"
    )
    everyone = runner("clock", "advance", "PT1H")
    assert everyone.output.splitlines()[0] == "C0001  2026-05-06T10:00:00+09:00  (0 events run)"
    assert len(everyone.output.splitlines()) == 3


def test_clock_freeze_resume(runner):
    assert "running" in runner("clock", "resume", "--contract", "C0002").output
    assert "frozen" in runner("clock", "freeze", "--contract", "C0002").output


def test_errors_are_messages_not_tracebacks(runner):
    result = runner("clock", "advance", "soon", "--contract", "C0001")
    assert result.exit_code == 1
    assert (
        result.output
        == "Error: invalid_parameter: not a duration: 'soon' (use 90m, 2h, 3d or ISO 8601 such as PT2H)\n"
    )
    backwards = runner("clock", "set", "2020-01-01T00:00:00", "--contract", "C0001")
    assert backwards.exit_code == 1 and backwards.output.startswith("Error: clock_backwards: ")
    assert runner("contracts", "show", "C0404").output == "Error: contract_not_found: no contract 'C0404'\n"


def test_deposit_and_otp(runner):
    import json

    account = json.loads(runner("contracts", "show", "C0003").output)["accounts"][0]
    result = runner(
        "deposit",
        "--contract",
        "C0003",
        "--account",
        account["accountId"],
        "--amount",
        "50000",
        "--remitter",
        "ｶ)ﾃｽﾄ",
    )
    expected = int(account["balance"]) + 50000
    assert (
        result.output
        == f"credited 50000 yen to {account['accountId']} at 2026-04-01T10:00:00+09:00; balance {expected}\n"
    )
    otp = runner("otp", "--contract", "C0003", "--user", "c0003-clerk").output
    assert otp.endswith("(valid until 2026-04-01T10:00:30+09:00)\n") and otp[:6].isdigit()


def test_deposit_with_a_paying_bank(runner, db_path):
    import json

    from sandbox.store import connect

    account = json.loads(runner("contracts", "show", "C0003").output)["accounts"][0]["accountId"]
    args = ("deposit", "--contract", "C0003", "--account", account, "--amount", "7000", "--edi", "INV9")
    assert runner(*args, "--bank", "0005", "--branch", "001").exit_code == 0
    db = connect(db_path)
    found = db.conn.execute("SELECT bank_code, bank_name, branch_name FROM remitters").fetchall()
    db.conn.close()
    assert [tuple(r) for r in found] == [("0005", "ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ", "ﾎﾝﾃﾝ")]
    refused = runner(*args, "--bank", "0005")
    assert refused.exit_code == 1 and refused.output.startswith("Error: invalid_parameter: paymentBranchCode")


def test_reset(runner):
    result = runner("reset", "--seed", "5", "--start", "2026-06-01T09:00:00+09:00")
    assert result.output == "world demo (seed 5): contracts C0001, C0002, C0003\n"
    assert "2026-06-01T09:00:" in runner("clock", "show", "--contract", "C0001").output


def test_every_command_has_an_example():
    import click

    def walk(command, path):
        yield path, command
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])

    missing = [
        " ".join(path)
        for path, command in walk(main, ["web21-sandbox"])
        if "Example:" not in (command.help or "")
    ]
    assert missing == []


def test_unreachable_url(tmp_path):
    from click.testing import CliRunner

    result = CliRunner().invoke(
        main,
        ["--db", str(tmp_path / "x.db"), "--url", "http://127.0.0.1:9", "--key", "k", "contracts", "list"],
    )
    assert result.exit_code == 1
    assert "cannot reach the sandbox at http://127.0.0.1:9" in result.output
