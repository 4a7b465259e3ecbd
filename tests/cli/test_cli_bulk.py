"""``web21-sandbox bulk``: make a sample file, upload it (and a broken one), download 03/01, read the result."""

from __future__ import annotations

from sandbox.bank.zengin import layouts, parse

ACCOUNT = "791011571600"  # C0001's first account in the test world


def test_make_upload_result(runner, tmp_path):
    sample = tmp_path / "sogo.txt"
    made = runner(
        "bulk", "make", "--contract", "C0001", "--account", ACCOUNT, "--items", "4", "-o", str(sample)
    )
    assert made.exit_code == 0, made.output
    assert len(sample.read_bytes()) == 7 * 122
    uploaded = runner("bulk", "upload", str(sample), "--contract", "C0001", "--account", ACCOUNT)
    assert uploaded.exit_code == 0, uploaded.output
    assert "2 申請中, 4 items" in uploaded.output and "for 2026-04-02" in uploaded.output
    apply_no = uploaded.output.split()[1]
    shown = runner("bulk", "result", "--contract", "C0001", "--apply-no", apply_no)
    assert shown.exit_code == 0 and "paid 0 (0 yen), not paid 0 (0 yen)" in shown.output


def test_a_broken_file_prints_every_problem(runner, tmp_path):
    sample = tmp_path / "sogo.txt"
    runner("bulk", "make", "--contract", "C0001", "--account", ACCOUNT, "--items", "2", "-o", str(sample))
    data = bytearray(sample.read_bytes())
    data[122 + 55] = ord("a")  # record 2, byte 56: a lower-case letter in 受取人名
    data[3 * 122 + 8] = ord("9")  # record 4 (trailer), byte 9: 合計金額
    sample.write_bytes(bytes(data))
    refused = runner("bulk", "upload", str(sample), "--contract", "C0001")
    assert refused.exit_code == 1
    assert "record 2, byte 56, 受取人名: kana_set:" in refused.output
    assert "record 4, byte 8, 合計金額: totals_mismatch:" in refused.output


def test_download_statement_to_stdout(runner):
    found = runner(
        "bulk", "download", "--contract", "C0001", "--account", ACCOUNT, "--from", "2026-03-01", "-o", "-"
    )
    assert found.exit_code == 0
    parsed = parse.read(found.stdout_bytes, layouts.STATEMENT)
    assert parsed.problems == [] and len(parsed.of_kind("2")) > 20
