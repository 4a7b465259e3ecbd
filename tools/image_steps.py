"""The Dockerfile read as data: stages and their instructions (what ``make image-check`` replays).

Covers what this project's Dockerfile uses: ``FROM … AS``, ``WORKDIR``, ``COPY [--from] [--chown]``, ``RUN``,
``ENV k=v …``, ``USER``, ``VOLUME``, ``EXPOSE``, ``HEALTHCHECK … CMD``, ``CMD [json]``; anything else is an error,
so a new instruction cannot be skipped silently.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field

KNOWN = {"FROM", "WORKDIR", "COPY", "RUN", "ENV", "USER", "VOLUME", "EXPOSE", "HEALTHCHECK", "CMD"}


@dataclass(frozen=True)
class Instruction:
    """One instruction: its keyword, ``--flag=value`` options, the rest as words, and as written."""

    kind: str
    text: str
    flags: dict[str, str] = field(default_factory=dict, hash=False)
    args: tuple[str, ...] = ()

    def pairs(self) -> dict[str, str]:
        """``ENV a=1 b="x y"`` as ``{"a": "1", "b": "x y"}``."""
        return dict(word.split("=", 1) for word in shlex.split(self.text))

    def exec_form(self) -> list[str]:
        """``CMD ["a", "b"]`` (or a healthcheck's ``CMD …``) as a list of words."""
        text = self.text.split(" CMD ", 1)[-1] if self.kind == "HEALTHCHECK" else self.text
        text = text.strip()
        return json.loads(text) if text.startswith("[") else ["/bin/sh", "-c", text]


@dataclass
class Stage:
    """``FROM image [AS name]`` and its instructions."""

    image: str
    name: str
    steps: list[Instruction] = field(default_factory=list)


def instruction(line: str) -> Instruction:
    kind, _, text = line.partition(" ")
    kind = kind.upper()
    if kind not in KNOWN:
        raise ValueError(f"image-check does not know the instruction {kind}: teach tools/image_steps.py")
    flags = dict(re.findall(r"--(\w+)=(\S+)", text)) if kind == "COPY" else {}
    rest = re.sub(r"--\w+=\S+\s*", "", text) if kind == "COPY" else text
    args = tuple(rest.split()) if kind in {"COPY", "WORKDIR", "USER", "FROM"} else ()
    return Instruction(kind, text.strip(), flags, args)


def parse(dockerfile: str) -> list[Stage]:
    """The stages of ``dockerfile`` (continuation lines joined, comments dropped)."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    stages: list[Stage] = []
    for raw in joined.splitlines():
        line = " ".join(raw.split())
        if not line or line.startswith("#"):
            continue
        step = instruction(line)
        if step.kind == "FROM":
            image, *alias = step.args
            stages.append(Stage(image, alias[-1] if alias else str(len(stages))))
        else:
            stages[-1].steps.append(step)
    return stages
