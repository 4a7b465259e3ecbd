"""Fixed-length 全銀 records ⇄ field values, over the tables of :mod:`sandbox.bank.zengin.layouts`.

Files are Shift_JIS (Python's ``cp932`` codec) restricted to JIS X 0201: every byte of a record is one
character, 0x20–0x7E (Latin, digits, symbols; 0x5C is ¥) or 0xA1–0xDF (half-width katakana). A byte outside
that range (the lead byte of a full-width character, a control code) is refused where it stands, and so is a
character outside the Zengin transfer set (small kana, lower-case letters) in a text field.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sandbox.bank import kana
from sandbox.bank.zengin.layouts import Field, Layout

ENCODING = "cp932"
SMALL_KANA = frozenset("ｧｨｩｪｫｯｬｭｮ")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where (record number, 1-based byte position, field) and what."""

    record: int | None
    position: int | None
    field: str | None
    code: str
    message: str

    def public(self) -> dict[str, Any]:
        """The problem as ``fileErrorDetails`` shows it (absent parts left out)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def jis_x_0201(byte: int) -> bool:
    """True for a byte that is one JIS X 0201 character (printable Latin half or half-width katakana)."""
    return 0x20 <= byte <= 0x7E or 0xA1 <= byte <= 0xDF


def _shown(raw: bytes, index: int) -> str:
    """The character a bad byte starts, for a message: the full-width character, or the byte in hex."""
    try:
        return repr(raw[index : index + 2].decode(ENCODING))
    except UnicodeDecodeError:
        return f"byte 0x{raw[index]:02X}"


def field_problems(number: int, f: Field, raw: bytes) -> tuple[str, list[Problem]]:
    """One field's text and its problems (bytes outside JIS X 0201; N not digits; a wrong fixed value)."""
    for offset, byte in enumerate(raw):
        if not jis_x_0201(byte):
            what = _shown(raw, offset)
            message = f"{what} is not a JIS X 0201 half-width character"
            return "", [Problem(number, f.start + offset, f.name, "character_set", message)]
    text = raw.decode(ENCODING)
    if f.kind == "N" and not text.isdigit():
        return text, [Problem(number, f.start, f.name, "not_numeric", f"{text!r} is not {f.length} digits")]
    if f.fixed is not None and text != f.fixed:
        return text, [Problem(number, f.start, f.name, "value", f"must be {f.fixed!r}, not {text!r}")]
    if f.kind == "C":
        return text.rstrip(" "), _kana_problems(number, f, text)
    return text, []


def _kana_problems(number: int, f: Field, text: str) -> list[Problem]:
    """Characters outside the Zengin set: small kana (code ``small_kana``) and the rest (``kana_set``)."""
    found = []
    for offset, char, why in kana.invalid_characters(text):
        code = "small_kana" if char in SMALL_KANA else "kana_set"
        found.append(Problem(number, f.start + offset, f.name, code, why))
    return found


def decode(number: int, layout: Layout, raw: bytes) -> tuple[dict[str, str], list[Problem]]:
    """A record of ``layout`` as ``{key: text}`` (text fields without trailing spaces) and every problem."""
    values, problems = {}, []
    for f in layout.fields:
        text, found = field_problems(number, f, raw[f.start - 1 : f.end])
        problems += found
        if f.kind != "D":
            values[f.key] = text
    return values, problems


def encode_field(f: Field, value: Any) -> bytes:
    """A value laid out as the field wants it: digits zero-padded right-aligned, text space-padded.

    Text longer than the field is cut at the field's length (a long name on a statement, as banks do);
    a number that does not fit is a ``ValueError``, never a cut.
    """
    if f.kind == "D":
        return b" " * f.length
    if f.fixed is not None and value is None:
        value = f.fixed
    if f.kind == "N":
        text = f"{int(value or 0):0{f.length}d}"
        if len(text) > f.length:
            raise ValueError(f"{f.name}: {value} does not fit in {f.length} digits")
        return text.encode("ascii")
    data = str(value or "").encode(ENCODING)[: f.length]
    if not all(jis_x_0201(b) for b in data):
        raise ValueError(f"{f.name}: {value!r} is not JIS X 0201 half-width text")
    return data.ljust(f.length, b" ")


def encode(layout: Layout, values: dict[str, Any]) -> bytes:
    """One record of ``layout`` from ``{key: value}`` (missing keys: zeros or spaces, fixed values as fixed)."""
    record = b"".join(encode_field(f, values.get(f.key)) for f in layout.fields)
    assert len(record) == layout.length, (layout.name, len(record))
    return record
