"""Zengin half-width kana: the character set bank transfers carry names and EDI in.

Names are sent in half-width katakana, digits, upper-case Latin letters, space and a few symbols.
Small kana and the long-vowel mark are not part of the set: banks write ｼﾖｳｼﾞ, not ｼｮｳｼﾞ.
"""

from __future__ import annotations

import jaconv

SMALL_TO_LARGE = str.maketrans("ｧｨｩｪｫｯｬｭｮ", "ｱｲｳｴｵﾂﾔﾕﾖ")
ALLOWED = frozenset(
    "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝﾞﾟABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ()-./,\\｢｣"
)
FORBIDDEN_HINTS = {
    "ｰ": "the long-vowel mark ｰ is not in the Zengin set; write the vowel (ｺｰﾋｰ → ｺ-ﾋ- or ｺｳﾋｲ)",
    **{
        small: f"small kana {small} is not in the Zengin set; use {small.translate(SMALL_TO_LARGE)}"
        for small in "ｧｨｩｪｫｯｬｭｮ"
    },
}


def to_zengin(text: str) -> str:
    """Convert readable kana (full- or half-width, any case) to the Zengin half-width form."""
    half = jaconv.z2h(jaconv.hira2kata(text), kana=True, digit=True, ascii=True)
    half = half.replace("ｰ", "-").replace("　", " ").upper()
    return half.translate(SMALL_TO_LARGE)


def invalid_characters(text: str) -> list[tuple[int, str, str]]:
    """Every character of ``text`` outside the Zengin set, as ``(position, char, why)``."""
    problems = []
    for position, char in enumerate(text):
        if char not in ALLOWED:
            why = FORBIDDEN_HINTS.get(
                char, f"{char!r} (U+{ord(char):04X}) is not in the Zengin half-width set"
            )
            problems.append((position, char, why))
    return problems
