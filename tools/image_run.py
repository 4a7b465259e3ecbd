"""The container of ``make image-check``: the image's ``CMD`` in a network namespace of its own, then the checks.

The server runs as the image runs it — chroot into the final stage, its ``USER``, ``WORKDIR`` and ``ENV`` only,
``WEB21_SANDBOX_ADMIN_KEY`` given as with ``docker run -e``, an empty ``/app/var`` volume — and listens on its
own port 8021 in a private network namespace. The checks enter that namespace (``nsenter --net``) and nothing
else: they run with the host's files and the host's sandbox CLI (``python -m tools.image_run probe``).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

URL = "http://127.0.0.1:8021"


def log(message: str) -> None:
    print(f"image-check: {message}", flush=True)


def run_container(builder: Any, stage: Any, admin_key: str) -> list[str]:
    """Start the final stage's CMD, run the checks against it, stop it; the failures found (none: passed)."""
    steps = {step.kind: step for step in stage.steps}
    volume = builder.root / "app" / "var"
    for child in volume.iterdir():  # a fresh, empty volume for every run
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    builder.env["WEB21_SANDBOX_ADMIN_KEY"] = admin_key
    command = " ".join(shlex.quote(word) for word in steps["CMD"].exec_form())
    log(f"run as {builder.user!r} in {builder.workdir}: {command}")
    inner = " ".join(shlex.quote(w) for w in builder_argv(builder, f"exec {command}"))
    container = subprocess.Popen(
        ["unshare", "--net", "--fork", "--kill-child", "sh", "-c", f"ip link set lo up && exec {inner}"],
        start_new_session=True,
    )
    try:
        return checks(builder, steps["HEALTHCHECK"], container.pid, admin_key)
    finally:
        os.killpg(container.pid, signal.SIGTERM)
        container.wait(timeout=30)


def builder_argv(builder: Any, command: str) -> list[str]:
    """chroot into the stage as its user, with exactly its environment, in its working directory."""
    env = [f"{k}={v}" for k, v in {**builder.env, "HOME": builder.home()}.items()]
    return ["chroot", f"--userspec={builder.user}:{builder.user}", str(builder.root),
            "/usr/bin/env", "-i", *env, "/bin/sh", "-c", f"cd {shlex.quote(builder.workdir)} && {command}"]  # fmt: skip


def checks(builder: Any, healthcheck: Any, pid: int, admin_key: str) -> list[str]:
    enter = ["nsenter", f"--net=/proc/{pid}/ns/net"]
    failures = []
    probe = subprocess.run(
        [*enter, sys.executable, str(Path(__file__).resolve()), "probe", admin_key],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    print(probe.stdout, end="")
    if probe.returncode:
        failures.append(
            f"probe: {probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else probe.returncode}"
        )
    health = " ".join(shlex.quote(w) for w in healthcheck.exec_form())
    if subprocess.run([*enter, *builder_argv(builder, health)], timeout=30).returncode:
        failures.append("HEALTHCHECK failed inside the container")
    else:
        log("HEALTHCHECK inside the container: 0")
    failures += users(builder.root)
    return failures


def users(root: Path) -> list[str]:
    """The uids of the processes running in ``root``: none may be root (the image's USER)."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "root") == str(root):
                status = (entry / "status").read_text()
                found[int(entry.name)] = int(status.split("Uid:")[1].split()[0])
        except OSError:
            continue
    log(f"processes in the container: {len(found)}, uids {sorted(set(found.values()))}")
    if not found:
        return ["no process runs in the container"]
    return [f"PID {pid} runs as root" for pid, uid in found.items() if uid == 0]


def get(path: str, **headers: str) -> tuple[int, Any]:
    request = urllib.request.Request(URL + path, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, json.loads(answer.read())


def probe(admin_key: str) -> None:
    """Inside the container's network namespace, with the host's files: healthz, a token, a balance."""
    deadline = time.monotonic() + 60
    while True:
        try:
            status, body = get("/healthz")
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    assert status == 200, (status, body)
    print(f"image-check: GET /healthz: {status} {json.dumps(body)}")
    mint = [sys.executable, "-m", "sandbox", "--url", URL, "--key", admin_key, "token", "mint",
            "--contract", "C0001", "--user", "c0001-viewer", "--env"]  # fmt: skip
    exports = subprocess.run(mint, capture_output=True, text=True, check=True).stdout
    token = next(line.split("=", 1)[1] for line in exports.splitlines() if "WEB21_ACCESS_TOKEN=" in line)
    token = token.strip().strip("'\"")
    print(f"image-check: token mint (headless consent + /auth/v1/token): {len(token)}-character access token")
    status, body = get("/corporation/v1/accounts/balances", Authorization=f"Bearer {token}")
    first = body["balances"][0]
    assert status == 200 and int(first["balance"]) > 0, (status, body)
    print(
        f"image-check: GET /corporation/v1/accounts/balances: {status}, {first['accountId']} {int(first['balance']):,} yen"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["probe"]:
        probe(sys.argv[2])
