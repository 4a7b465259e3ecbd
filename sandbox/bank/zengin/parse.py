"""Reading a 全銀 file: records split (with or without CRLF), each decoded by its layout, the file's shape
checked (header 1, data 2…, trailer 8, end 9), and the 総合振込 fields checked one by one.

Nothing stops at the first problem: every record is read and every problem is returned, each naming the
record number (1-based), the byte position in the record (1-based), the field and what was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.bank.zengin import codec
from sandbox.bank.zengin.codec import Problem
from sandbox.bank.zengin.layouts import Layout

EOF_MARK = b"\x1a"  # some PC software ends a file with Ctrl-Z
SHAPE = {"1": "a header (1)", "2": "a data record (2)", "8": "a trailer (8)", "9": "the end record (9)"}


@dataclass
class Record:
    number: int
    kind: str
    values: dict[str, str]
    bad: set[str]  # keys of the fields that already have a problem

    @property
    def ok(self) -> bool:
        return not self.bad


@dataclass
class Parsed:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Record]:
        return [r for r in self.records if r.kind == kind]


def split(data: bytes, length: int) -> tuple[list[bytes], list[Problem]]:
    """The file's records: lines when it has line ends (CRLF or LF), else ``length``-byte blocks."""
    data = data.rstrip(EOF_MARK)
    if not data:
        return [], [Problem(None, None, None, "empty_file", "the file is empty")]
    if b"\n" in data or b"\r" in data:
        lines = data.replace(b"\r\n", b"\n").split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
    else:
        lines = [data[i : i + length] for i in range(0, len(data), length)]
    problems = [
        Problem(n, None, None, "record_length", f"the record is {len(raw)} bytes, not {length}")
        for n, raw in enumerate(lines, start=1)
        if len(raw) != length
    ]
    return lines, problems


def read(data: bytes, table: dict[str, Layout]) -> Parsed:
    """Every record of the file decoded by the layout its データ区分 names, and the file's shape checked."""
    length = next(iter(table.values())).length
    lines, problems = split(data, length)
    parsed = Parsed(problems=problems)
    for number, raw in enumerate(lines, start=1):
        if len(raw) != length:
            continue
        kind = chr(raw[0]) if codec.jis_x_0201(raw[0]) else "?"
        layout = table.get(kind)
        if layout is None:
            parsed.problems.append(
                Problem(number, 1, "データ区分", "value", f"{kind!r} is not a データ区分 (1, 2, 8 or 9)")
            )
            continue
        values, found = codec.decode(number, layout, raw)
        names = {p.field for p in found}
        bad = {f.key for f in layout.fields if f.name in names}
        parsed.records.append(Record(number, kind, values, bad))
        parsed.problems += found
    if lines:
        parsed.problems += _shape(parsed.records)
    return parsed


def _shape(records: list[Record]) -> list[Problem]:
    """One header first, data records, one trailer, one end record last — each misplaced record named.

    Records that could not be read (a wrong length, an unknown データ区分) are already problems and are left
    out here, so one short line does not also shift every record after it."""
    if len(records) < 3:
        message = (
            f"{len(records)} readable record(s): a file needs a header 1, data 2…, a trailer 8 and an end 9"
        )
        return [Problem(None, None, None, "file_shape", message)]
    expected = ["1"] + ["2"] * (len(records) - 3) + ["8", "9"]
    return [
        Problem(rec.number, 1, "データ区分", "file_shape", f"{SHAPE[rec.kind]} where {SHAPE[want]} belongs")
        for rec, want in zip(records, expected, strict=True)
        if rec.kind != want
    ]


def number(values: dict[str, Any], key: str) -> int:
    """A numeric field's value (0 when it did not decode as digits; its problem is already reported)."""
    text = values.get(key, "")
    return int(text) if text.isdigit() else 0
