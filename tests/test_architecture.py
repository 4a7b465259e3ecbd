"""The layout holds: import-linter's contracts (layers, no cycles) pass, and no import exists only to register."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

REGISTERING = ("register", "hook", "routes", "attach")


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports)], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_no_import_is_kept_only_to_register():
    kept = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "sandbox").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "noqa: F401" in line and any(word in line.lower() for word in REGISTERING)
    ]
    assert not kept, "imports kept only for a side effect:\n" + "\n".join(kept)


def test_notification_delivery_sits_between_the_wire_and_http():
    """The bank writes the outbox without knowing how it is delivered; ``notify`` uses the wire's fault rules
    and request log, and the server starts it: so it is above ``wire`` and below ``http``."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["id"] == "layers")["layers"]
    assert layers.index("sandbox.http") < layers.index("sandbox.notify") < layers.index("sandbox.wire")
    bank = "\n".join(p.read_text() for p in (ROOT / "sandbox" / "bank").rglob("*.py"))
    assert "sandbox.notify" not in bank
