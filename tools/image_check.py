"""``make image-check``: the stand-in for ``docker build`` and ``docker run`` where no Docker engine runs.

It builds the image the Dockerfile describes without Docker, and proves it serves:

1. **The base image**: a Debian bookworm root filesystem made once with ``debootstrap`` (minbase, plus
   ``python3`` and ``python3-venv``, with ``python`` as in ``python:3.11-slim``, which is bookworm with
   Python 3.11), cached in ``var/image-check/bookworm``.
2. **Every stage**: a copy of that base, then the Dockerfile's own instructions, read from the file and run
   in order: ``WORKDIR``, ``ENV``, ``USER``, ``COPY`` (``--from``, ``--chown``, and ``.dockerignore``) and
   ``RUN`` with ``chroot`` as the stage's user. A stage is cached by the hash of its instructions and the files
   it copies, as Docker caches layers: the dependency stage is rebuilt only when ``pyproject.toml`` changes.
3. **The container**: ``CMD`` run as the image's user and with its ``ENV``, in a network namespace of its own
   (so its port 8021 is free, as in a container); ``HEALTHCHECK`` run inside; then from the host's side (its
   files, the sandbox's network) ``/healthz``, a token through the headless consent of the CLI, and a balance.

Needs root (chroot, namespaces), ``debootstrap`` (``apt-get install debootstrap``) and the network for
debootstrap and pip. The host's CA bundle, resolver and pip configuration are carried into the build as a
build machine's would be. Run: ``sudo make image-check`` (about 45 s for the base the first time, then a
minute for the dependency stage when ``pyproject.toml`` changed, else ~20 s).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from image_run import builder_argv, run_container  # noqa: E402
from image_steps import Instruction, Stage, parse  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "var" / "image-check"
BASE = CACHE / "bookworm"
DOCKER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
CARRIED = ("etc/resolv.conf", "etc/ssl/certs/ca-certificates.crt", "etc/pip.conf")


def log(message: str) -> None:
    print(f"image-check: {message}", flush=True)


def base() -> Path:
    """The cached bookworm root filesystem, made with debootstrap the first time."""
    if not BASE.is_dir():
        if not shutil.which("debootstrap"):
            sys.exit("image-check: needs debootstrap (apt-get install debootstrap)")
        log("debootstrap bookworm (once; cached in var/image-check/bookworm)")
        partial = CACHE / "bookworm.partial"
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(
            ["debootstrap", "--variant=minbase", "--include=python3,python3-venv,ca-certificates",
             "bookworm", str(partial), "http://deb.debian.org/debian"],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        partial.rename(BASE)
    python = BASE / "usr/local/bin/python"
    if not python.is_symlink():
        python.symlink_to("/usr/bin/python3")  # python:3.11-slim has `python`
    return BASE


def ignored(relative: str, patterns: list[str]) -> bool:
    """Whether ``.dockerignore`` leaves ``relative`` (or a folder above it) out of the build context."""
    parts = relative.split("/")
    for n in range(1, len(parts) + 1):
        prefix = "/".join(parts[:n])
        for pattern in patterns:
            bare = pattern.removeprefix("**/")
            if fnmatch.fnmatch(prefix, pattern) or (pattern != bare and fnmatch.fnmatch(parts[n - 1], bare)):
                return True
    return False


def context_files(source: str) -> list[Path]:
    """The files of the build context that ``COPY source`` takes (``.dockerignore`` applied, ignored folders
    not even walked: ``var/`` holds this tool's own root filesystems)."""
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [p.strip() for p in lines if p.strip() and not p.startswith("#")]
    start = ROOT / source
    if start.is_file():
        return [start]
    found = []
    for folder, subfolders, files in os.walk(start):
        here = Path(folder)
        subfolders[:] = sorted(
            d for d in subfolders if not ignored((here / d).relative_to(ROOT).as_posix(), patterns)
        )
        found += [
            here / f for f in sorted(files) if not ignored((here / f).relative_to(ROOT).as_posix(), patterns)
        ]
    return found


class Builder:
    """One stage being built in its own copy of the base: its working directory, user and environment."""

    def __init__(self, stage: Stage, built: dict[str, Path]) -> None:
        self.stage, self.built = stage, built
        self.workdir, self.user = "/", "root"
        self.env = {"PATH": DOCKER_PATH}
        self.root = CACHE / "stages" / f"{stage.name}-{self.digest()}"

    def digest(self) -> str:
        """Docker's layer cache in one hash: the instructions and the bytes of every file they copy."""
        digest = hashlib.sha256(BASE.name.encode())
        for step in self.stage.steps:
            digest.update(repr(step).encode())
            if step.kind == "COPY" and not step.flags.get("from"):
                for path in context_files(step.args[0]):
                    digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
        return digest.hexdigest()[:16]

    def build(self) -> Path:
        if (self.root / ".image-check-done").exists():
            log(f"stage {self.stage.name}: cached ({self.root.name})")
            self.replay(run=False)
            return self.root
        for stale in self.root.parent.glob(
            f"{self.stage.name}-*"
        ):  # Docker would keep them; disk is short here
            shutil.rmtree(stale)
        self.root.parent.mkdir(parents=True, exist_ok=True)
        log(f"stage {self.stage.name}: copying the base")
        subprocess.run(["cp", "-a", str(base()), str(self.root)], check=True)
        for carried in CARRIED:
            if Path("/", carried).exists():
                (self.root / carried).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(Path("/", carried), self.root / carried)
        self.replay(run=True)
        (self.root / ".image-check-done").touch()
        return self.root

    def replay(self, *, run: bool) -> None:
        """Apply the stage's instructions; ``run=False`` only re-reads its state (a cached stage)."""
        for step in self.stage.steps:
            if step.kind == "WORKDIR":
                self.workdir = os.path.join(self.workdir, step.args[0])
                if run:
                    (self.root / self.workdir.lstrip("/")).mkdir(parents=True, exist_ok=True)
            elif step.kind == "ENV":
                self.env.update({k: v.replace("${PATH}", self.env["PATH"]) for k, v in step.pairs().items()})
            elif step.kind == "USER":
                self.user = step.args[0]
            elif run and step.kind == "COPY":
                self.copy(step)
            elif run and step.kind == "RUN":
                log(f"stage {self.stage.name}: RUN {step.text[:90]}")
                self.chroot(step.text, check=True)

    def copy(self, step: Instruction) -> None:
        source, target = step.args
        into = self.root / os.path.join(self.workdir, target).lstrip("/")
        if "from" in step.flags:
            subprocess.run(
                ["cp", "-a", str(self.built[step.flags["from"]] / source.lstrip("/")), str(into)], check=True
            )
            return
        made: set[Path] = set()
        for path in context_files(source):
            relative = path.name if (ROOT / source).is_file() else path.relative_to(ROOT / source).as_posix()
            destination = into / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            made.add(destination)
            made.update(p for p in destination.parents if into in p.parents)
        if "chown" in step.flags:  # what COPY --chown owns: the files copied and the folders made for them
            uid, gid = self.ids(step.flags["chown"])
            for path in made:
                os.chown(path, uid, gid)

    def ids(self, spec: str) -> tuple[int, int]:
        """``user:group`` as numbers, read from the stage's own /etc/passwd and /etc/group."""
        user, _, group = spec.partition(":")
        table = {}
        for name in ("passwd", "group"):
            for line in (self.root / "etc" / name).read_text().splitlines():
                fields = line.split(":")
                table[(name, fields[0])] = int(fields[2])
        return table[("passwd", user)], table[("group", group or user)]

    def chroot(self, command: str, *, check: bool = False) -> subprocess.CompletedProcess:
        """``command`` in the stage's root, as its user, in its working directory, with only its environment."""
        return subprocess.run(builder_argv(self, command), check=check)

    def home(self) -> str:
        for line in (self.root / "etc" / "passwd").read_text().splitlines():
            fields = line.split(":")
            if fields[0] == self.user:
                return fields[5]
        return "/root"


def main() -> int:
    if os.geteuid() != 0:
        sys.exit("image-check: needs root (chroot and a network namespace): sudo make image-check")
    began = time.monotonic()
    base()
    stages = parse((ROOT / "Dockerfile").read_text())
    built: dict[str, Path] = {}
    for stage in stages:
        builder = Builder(stage, built)
        built[stage.name] = builder.build()
    failures = run_container(builder, stages[-1], secrets.token_hex(24))
    log(f"{'FAILED: ' + '; '.join(failures) if failures else 'passed'} in {time.monotonic() - began:.0f} s")
    print(json.dumps({"passed": not failures, "seconds": round(time.monotonic() - began)}))
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
