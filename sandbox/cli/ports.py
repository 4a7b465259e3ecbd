"""Who holds a TCP port: the PIDs of the processes listening on it, read from Linux's /proc.

Used by ``serve`` to say "port 8021 is in use by PID 1234 (gunicorn …)" instead of a bind error. Elsewhere,
or for another user's process that /proc does not show, the answer is simply empty.
"""

from __future__ import annotations

import os
from pathlib import Path

LISTEN = "0A"  # the TCP state LISTEN in /proc/net/tcp


def listening_inodes(port: int, proc: Path = Path("/proc")) -> set[str]:
    """The socket inodes listening on ``port`` (IPv4 and IPv6)."""
    found = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                found.add(fields[9])
    return found


def holders(port: int, proc: Path = Path("/proc")) -> list[tuple[int, str]]:
    """``(pid, command line)`` of every process we may inspect that holds a socket listening on ``port``."""
    inodes = {f"socket:[{inode}]" for inode in listening_inodes(port, proc)}
    found = []
    for entry in proc.iterdir() if inodes else ():
        if not entry.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (entry / "fd").iterdir()):
                found.append((int(entry.name), _command(entry)))
        except OSError:  # gone, or another user's
            continue
    return sorted(found)


def _command(entry: Path) -> str:
    raw = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    return raw[:60] + ("…" if len(raw) > 60 else "")


def busy_message(host: str, port: int) -> str:
    """One line: the port is taken, by which PIDs when they can be seen, and what to do."""
    held = holders(port)
    if held:
        who = ", ".join(f"PID {pid} ({command})" if command else f"PID {pid}" for pid, command in held[:3])
        return f"port {port} on {host} is in use by {who}: stop it, or choose another port (--port, make serve PORT=…)"
    return (
        f"port {port} on {host} is in use (by a process this user cannot see): "
        "choose another port (--port, make serve PORT=…)"
    )
