"""The peer column: Prism's mock server (``@stoplight/prism-cli``) on the sandbox's own ``/openapi.json``.

A team without the sandbox would reach for a stateless mock of the same document. Prism answers each
path with the document's example and does no work behind it, so it is the floor a stateful sandbox
should stay well above on reads (target ≥ 2×) and at least level with on writes (≥ 1×).

Prism is found, in order: ``$WEB21_BENCH_PRISM`` (the ``prism`` executable), ``prism`` on the PATH,
``var/bench-tools/node_modules/.bin/prism``; when none exists and ``npm`` does, it is installed there
once (``npm install @stoplight/prism-cli@5``, from the npm registry). Without node the table says the
peer is absent and why.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import time
from pathlib import Path

import requests

from benchmarks import servers
from benchmarks.job import Job

PACKAGE = "@stoplight/prism-cli@5"
TOOLS = servers.ROOT / "var" / "bench-tools"
READ_TARGET, WRITE_TARGET = 2.0, 1.0  # the sandbox's rate over Prism's, per kind of path


def find() -> tuple[str | None, str]:
    """The prism executable and how it was found, or ``None`` and why there is none."""
    named = os.environ.get("WEB21_BENCH_PRISM")
    if named:
        return (named, "WEB21_BENCH_PRISM") if Path(named).exists() else (None, f"{named} does not exist")
    on_path = shutil.which("prism")
    if on_path:
        return on_path, "PATH"
    local = TOOLS / "node_modules" / ".bin" / "prism"
    if local.exists():
        return str(local), str(local.relative_to(servers.ROOT))
    if not shutil.which("node") or not shutil.which("npm"):
        return None, "node/npm not installed (Debian: apt-get install nodejs npm)"
    TOOLS.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["npm", "install", "--silent", "--prefix", str(TOOLS), PACKAGE],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0 or not local.exists():
        return None, f"npm install {PACKAGE} failed: {(done.stderr or done.stdout).strip()[-200:]}"
    return str(local), f"installed into {local.relative_to(servers.ROOT)}"


@dataclasses.dataclass
class Peer:
    """A running Prism mock server."""

    port: int
    process: subprocess.Popen[bytes]
    version: str

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(sandbox_port: int, work: Path, *, timeout: float = 60) -> tuple[Peer | None, str]:
    """Prism on a copy of the running sandbox's document, or ``None`` and why it is absent."""
    prism, how = find()
    if prism is None:
        return None, how
    document = work / "openapi.json"
    document.write_bytes(requests.get(f"http://127.0.0.1:{sandbox_port}/openapi.json", timeout=30).content)
    version = subprocess.run([prism, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    port = servers.free_port()
    # its quietest, fastest setting: static examples, logging in a forked process, warnings only
    command = [prism, "mock", str(document), "-p", str(port), "-h", "127.0.0.1", "-m", "-v", "warn"]
    with (work / "prism.log").open("ab") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            return None, f"prism exited ({(work / 'prism.log').read_text(errors='replace')[-200:]})"
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return Peer(port, process, version), f"Prism {version} ({how})"
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    return None, f"prism did not listen within {timeout} s"


def job_for(job: Job, peer: Peer) -> Job:
    """The same request to the mock: one fixed item in place of a pool (Prism keeps no state)."""
    item = job.pool[0] if job.pooled and job.pool else None
    path, headers, body = job.render(item)
    return dataclasses.replace(
        job,
        name=f"prism {job.name}",
        port=peer.port,
        path=path,
        headers=headers,
        body=body.decode() if body is not None else None,
        pool=[],
        chain=None,
        capture=None,
    )


def is_read(job: Job) -> bool:
    return job.method == "GET"
