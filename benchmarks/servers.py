"""Start and stop the two servers on free loopback ports; time their start; read their workers' memory."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_KEY = "bench-admin-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sandbox_command(db: Path, port: int) -> list[str]:
    """Exactly what ``make serve`` runs (gunicorn, default workers and threads), on another file and port."""
    return [sys.executable, "-m", "sandbox", "--db", str(db), "serve", "--port", str(port)]


def baseline_command(db: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "benchmarks.baseline", "--db", str(db), "--port", str(port)]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    started_in: float  # seconds from spawning the process to the first 200 from /healthz

    def workers(self) -> list[int]:
        """The gunicorn worker processes (children of the arbiter, which is our child)."""
        return children(self.process.pid)

    def peak_rss_kib(self) -> list[int]:
        """VmHWM (peak resident set) of each worker, in KiB."""
        return [peak for pid in self.workers() if (peak := vm_hwm(pid)) is not None]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, command: list[str], log: Path, *, timeout: float = 60) -> Server:
    """Spawn ``command`` (which serves on the port it names) and wait for ``GET /healthz`` to answer 200.

    The server's output goes to ``log``: a pipe nobody reads would fill up and stop the server.
    """
    port = int(command[command.index("--port") + 1])
    env = {**os.environ, "WEB21_SANDBOX_ADMIN_KEY": ADMIN_KEY}
    began = time.perf_counter()
    with log.open("ab") as sink:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    deadline = began + timeout
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited; the end of {log}:\n{log.read_text(errors='replace')[-3000:]}")
        if healthy(port):
            server = Server(name, port, process, time.perf_counter() - began)
            wait_for_workers(server)
            return server
        time.sleep(0.01)
    process.kill()
    raise RuntimeError(f"{name} did not answer within {timeout} s")


def healthy(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def wait_for_workers(server: Server, expected: int = 2, timeout: float = 10) -> None:
    """The first 200 may come from the first worker; load must not start before every worker is up."""
    deadline = time.perf_counter() + timeout
    while len(server.workers()) < expected and time.perf_counter() < deadline:
        time.sleep(0.02)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(x) for x in task.read_text().split()]
    return sorted(found)


def vm_hwm(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
