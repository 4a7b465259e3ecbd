import csv
import io


def test_workshop_create_prints_a_sheet_of_isolated_participants(runner, control):
    result = runner("workshop", "create", "--participants", "3", "--frozen")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["contractId"] for r in rows] == ["W0001", "W0002", "W0003"]
    assert rows[0]["users"] == "w0001-approver w0001-clerk w0001-viewer"
    assert rows[0]["password"] == "Passw0rd!"
    keys = [r["contractKey"] for r in rows]
    assert len(set(keys)) == 3
    # each participant's key reaches its own contract and nothing else
    assert control("GET", "/contracts/W0002", key=keys[1], status=200)["contractId"] == "W0002"
    assert control("GET", "/contracts/W0001", key=keys[1], status=403)["errorCode"] == "sandbox_forbidden"
    control("POST", "/contracts/W0001/clock/advance", {"by": "3d"}, key=keys[0], status=200)
    assert (
        control("GET", "/contracts/W0002/clock", key=keys[1], status=200)["now"]
        != control("GET", "/contracts/W0001/clock", key=keys[0], status=200)["now"]
    )


def test_workshop_sheet_to_file(runner, tmp_path):
    out = tmp_path / "sheet.csv"
    assert (
        runner("workshop", "create", "--participants", "2", "--out", str(out)).output
        == f"2 participants; sheet written to {out}\n"
    )
    assert out.read_text().startswith(
        "contractId,contractKey,users,password,clientId,clientSecret,redirectUri\n"
    )
