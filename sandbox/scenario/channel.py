"""How the runner talks to the client under test.

With ``--client-cmd`` the runner starts the client with its credentials in the environment and sends
it one JSON command a line on stdin (``{"id": 3, "do": "balances"}``); the client answers each with one
JSON line on stdout (``{"id": 3, "ok": true, "result": {...}}``), logs on stderr. Without a command the
client is driven by a person: each command is printed as an instruction, and the run watches the
request log instead of waiting for answers.
"""

from __future__ import annotations

import json
import os
import queue
import shlex
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

PROTOCOL = "jsonl-1"


class ClientGone(Exception):
    """The client under test exited, or did not answer in time."""


class ProcessClient:
    """A client command started and stopped by the runner, driven over stdin/stdout."""

    interactive = True

    def __init__(self, command: str, env: dict[str, str], cwd: str | None = None) -> None:
        self.command, self.env, self.cwd = command, env, cwd
        self.replies: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stderr: deque[str] = deque(maxlen=40)
        self.output: deque[str] = deque(maxlen=40)  # stdout lines that are not protocol answers
        self.events: list[dict[str, Any]] = []
        self.process: subprocess.Popen[str] | None = None
        self.readers: list[threading.Thread] = []
        self._next_id = 0

    def start(self) -> None:
        try:
            argv = shlex.split(self.command)
        except ValueError as exc:
            raise ClientGone(f"cannot parse --client-cmd: {exc}") from exc
        try:
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                bufsize=1,
                env={**os.environ, **self.env},
                cwd=self.cwd,
                start_new_session=True,  # Ctrl-C reaches the runner, which stops the client in order
            )
        except OSError as exc:
            raise ClientGone(f"cannot start the client {argv[0]!r}: {exc.strerror or exc}") from exc
        self.readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def _read_stdout(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                message = None
            if isinstance(message, dict) and "id" in message:
                self.replies.put(message)
            elif isinstance(message, dict) and "event" in message:
                self.events.append(message)
            elif line.strip():
                self.output.append(line.rstrip())

    def _read_stderr(self) -> None:
        assert self.process and self.process.stderr
        for line in self.process.stderr:
            self.stderr.append(line.rstrip())

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def send(
        self, command: dict[str, Any], timeout: float, idle: Callable[[], None] = lambda: None
    ) -> dict[str, Any]:
        """Send one command and wait up to ``timeout`` seconds for its answer, calling ``idle`` meanwhile."""
        self._next_id += 1
        message = {"id": self._next_id, **command}
        self._write(message)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                reply = self.replies.get(timeout=0.1)
            except queue.Empty:
                idle()
                if not self.alive() and self.replies.empty():
                    raise ClientGone(self._gone(self._exited())) from None
                continue
            if reply.get("id") == message["id"]:
                return reply
        raise ClientGone(self._gone(f"did not answer {command.get('do')!r} within {timeout:g} s"))

    def _exited(self) -> str:
        return f"exited with code {self.process.returncode if self.process else None} before answering"

    def _write(self, message: dict[str, Any]) -> None:
        """Send one line; a client that already exited (even before the first command) is told as such."""
        if not self.alive() or self.process is None or self.process.stdin is None:
            raise ClientGone(self._gone(self._exited()))
        try:
            self.process.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            try:  # a broken pipe mostly means the client is exiting: wait a moment to say how it ended
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                raise ClientGone(self._gone(f"stopped reading commands ({exc.__class__.__name__})")) from exc
            raise ClientGone(self._gone(self._exited())) from exc

    def _gone(self, what: str) -> str:
        """``what`` and the client's last stderr lines: all of them once it has exited (its pipes read to the
        end), else what the reader threads collected within a moment."""
        if self.process is not None and self.process.poll() is not None:
            for reader in self.readers:
                reader.join(timeout=2)
        else:
            time.sleep(0.05)
        tail = "\n".join(f"    {line}" for line in list(self.stderr)[-8:])
        return f"the client {what}" + (f"; its last messages:\n{tail}" if tail else "")

    def stop(self) -> int | None:
        """Ask the client to stop, then terminate it; return its exit code."""
        if self.process is None:
            return None
        if self.alive():
            try:
                self._write({"id": 0, "do": "stop"})
                self.process.stdin.close()  # type: ignore[union-attr]
                self.process.wait(timeout=3)
            except (ClientGone, OSError, subprocess.TimeoutExpired):
                self.process.terminate()
                try:
                    self.process.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        return self.process.returncode


class ManualClient:
    """A client run by a person (or by its own CI job): commands become printed instructions."""

    interactive = False

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.stderr: deque[str] = deque()
        self.output: deque[str] = deque()
        self.events: list[dict[str, Any]] = []

    def start(self) -> None:
        pass

    def alive(self) -> bool:
        return True

    def send(self, command: dict[str, Any], timeout: float, idle: Callable[[], None] = lambda: None) -> None:
        args = ", ".join(f"{k}={v}" for k, v in command.items() if k != "do")
        self.say(f"→ now make your client do: {command['do']}" + (f" ({args})" if args else ""))

    def stop(self) -> None:
        return None


Handler = Callable[[dict[str, Any]], dict[str, Any]]


class InProcessClient:
    """A client living in the runner's process (``handler(command) -> answer``), run on a worker thread.

    For tests and for embedding the runner: the protocol is the same, without a process to start.
    """

    interactive = True

    def __init__(self, make: Callable[[dict[str, str]], Handler], env: dict[str, str]) -> None:
        self.make, self.env = make, env
        self.handler: Handler | None = None
        self.stderr: deque[str] = deque(maxlen=40)
        self.output: deque[str] = deque(maxlen=40)
        self.events: list[dict[str, Any]] = []

    def start(self) -> None:
        try:
            self.handler = self.make(self.env)
        except Exception as exc:  # a client that cannot start is reported like one that exits early
            raise ClientGone(f"the client could not start: {exc!r}") from exc

    def alive(self) -> bool:
        return self.handler is not None

    def send(
        self, command: dict[str, Any], timeout: float, idle: Callable[[], None] = lambda: None
    ) -> dict[str, Any]:
        answers: queue.Queue[dict[str, Any]] = queue.Queue()

        def work() -> None:
            try:
                answers.put(self.handler(command))  # type: ignore[misc]
            except Exception as exc:  # noqa: BLE001 - a crash is an answer the report must show
                answers.put({"ok": False, "error": {"code": "crashed", "message": repr(exc)}})

        threading.Thread(target=work, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                return {"id": 0, **answers.get(timeout=0.1)}
            except queue.Empty:
                idle()
        raise ClientGone(f"the client did not answer {command.get('do')!r} within {timeout:g} s")

    def stop(self) -> None:
        self.handler = None
