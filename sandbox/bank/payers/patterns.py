"""What a payer actually pays for what it owes: the amount patterns reconciliation has to cope with.

- ``exact``: the amount, the remitter's name, the EDI.
- ``short``: less by ``difference`` (default 660 yen: the payer deducted the transfer fee, 振込手数料先方負担).
- ``over``: more by ``difference`` (default 1,000 yen).
- ``split``: in two payments, the first half (rounded down to 1,000 yen) now and the rest a day later.
- ``other-name``: the right amount from another name (the company's representative, a parent company).
- ``wrong-edi``: the right amount with a mistyped EDI (two characters swapped, or a stray one).
"""

from __future__ import annotations

import zlib
from typing import Any, NamedTuple

PATTERNS = ("exact", "short", "over", "split", "other-name", "wrong-edi")
DEFAULT_DIFFERENCE = {"short": 660, "over": 1000}
# Names a payer may pay under instead of its own: representatives and group companies (half-width kana)
OTHER_NAMES = (
    "ﾔﾏﾀﾞ ﾀﾛｳ",
    "ｽｽﾞｷ ﾊﾅｺ",
    "ｻﾄｳ ｹﾝｼﾞ",
    "ﾀｶﾊｼ ﾐﾕｷ",
    "ｶ)ﾎ-ﾙﾃﾞｲﾝｸﾞｽ",
    "ﾀﾅｶ ｲﾁﾛｳ",
    "ｲﾄｳ ﾏｻﾙ",
    "ｶ)ｸﾞﾙ-ﾌﾟｻ-ﾋﾞｽ",
)


class Payment(NamedTuple):
    """One transfer a payer makes: its amount, remitter name, EDI, and which part of a split it is."""

    amount: int
    remitter: str
    edi: str | None
    part: int = 1


def payments(payer: dict[str, Any], part: int = 1) -> list[Payment]:
    """The payment(s) of one occurrence at ``part`` (a split's second part comes by its own event)."""
    owed, name, edi, pattern = payer["amount"], payer["remitter_kana"], payer["edi"], payer["pattern"]
    difference = payer.get("difference") or DEFAULT_DIFFERENCE.get(pattern, 0)
    if pattern == "short":
        return [Payment(max(1, owed - difference), name, edi)]
    if pattern == "over":
        return [Payment(owed + difference, name, edi)]
    if pattern == "split":
        first = max(1, owed // 2 // 1000 * 1000) if owed > 1 else owed
        rest = owed - first
        if rest <= 0:
            return [Payment(owed, name, edi)]
        return [Payment(first, name, edi, 1)] if part == 1 else [Payment(rest, name, edi, 2)]
    if pattern == "other-name":
        return [Payment(owed, other_name(payer["id"], name), edi)]
    if pattern == "wrong-edi":
        return [Payment(owed, name, wrong_edi(edi))]
    return [Payment(owed, name, edi)]


def other_name(seed: int, own: str) -> str:
    """Another name than ``own``, the same for the same payer."""
    names = [n for n in OTHER_NAMES if n != own]
    return names[seed % len(names)]


def wrong_edi(edi: str | None) -> str:
    """A mistyped EDI: the last two characters swapped (or a stray ``0`` when that changes nothing)."""
    if not edi:
        return f"{zlib.crc32(b'edi') % 10_000_000:07d}"
    swapped = edi[:-2] + edi[-1] + edi[-2] if len(edi) >= 2 else edi
    return swapped if swapped != edi else (edi + "0")[-20:] if len(edi) < 20 else "0" + edi[1:]
