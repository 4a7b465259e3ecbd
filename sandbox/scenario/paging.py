"""The ``paging`` expectation: the client paged through a statement with the bank's keys, exactly as sent.

Judged from the request log alone, over the requests an expectation selects (a statement path, an
account): each answer that gave a ``nextItemKey`` (``answeredNextItemKey``) must be followed by a request
carrying that very text (``nextItemKey``) and answered 200 — every page read — and no request may carry a
key the bank never gave for that path and account (a key read as a number and printed back: rounded,
cut, in exponent form). At least one read must have gone from a first page to a last one. Item keys are
20 digits, beyond int64 and a JavaScript number; "string-identical" is the whole test.
"""

from __future__ import annotations

from typing import Any

Verdict = tuple[bool, str, list[dict[str, Any]]]  # passed, message, evidence
MAX_EVIDENCE = 8


def verdict(selected: list[dict[str, Any]]) -> Verdict:
    """The verdict on the selected requests (in log order), with the requests that show it."""
    given: dict[tuple[Any, ...], list[str]] = {}  # (path, account) -> keys the bank answered with
    last: dict[tuple[Any, ...], dict[str, Any]] = {}  # (path, account) -> the last answer that gave one
    strangers: list[list[dict[str, Any]]] = []  # [the answer before (if any), the request with a strange key]
    firsts = lasts = 0
    for entry in selected:
        stream = (entry.get("path"), entry.get("accountId"))
        sent = entry.get("nextItemKey")
        if sent is not None and sent not in given.get(stream, []):
            strangers.append([*([last[stream]] if stream in last else []), entry])
        if entry.get("status") != 200:
            continue
        firsts += sent is None
        if entry.get("answeredNextItemKey"):
            given.setdefault(stream, []).append(entry["answeredNextItemKey"])
            last[stream] = entry
        else:
            lasts += 1
    unread = _unread(selected, given)
    if strangers:
        return False, _stranger_text(strangers[0]), strangers[0]
    if unread:
        return False, f"{len(unread)} page(s) never read: no answered request carried {unread[0]!r}", []
    if not any(given.values()):
        return False, "the statement was never read past one page: the situation never arose", selected[-3:]
    if not (firsts and lasts):
        return False, "no read went from the first page to the last", selected[-MAX_EVIDENCE:]
    pages = sum(1 for e in selected if e.get("status") == 200)
    return True, f"{pages} pages read, each follow-up with the key the bank sent", selected[:MAX_EVIDENCE]


def _unread(selected: list[dict[str, Any]], given: dict[tuple[Any, ...], list[str]]) -> list[str]:
    """Keys the bank gave that no later request carried with a 200 answer."""
    read = {
        (e.get("path"), e.get("accountId"), e.get("nextItemKey")) for e in selected if e.get("status") == 200
    }
    return [key for stream, keys in given.items() for key in keys if (*stream, key) not in read]


def _stranger_text(shown: list[dict[str, Any]]) -> str:
    """Which key the client sent, beside the one the bank had given just before (what it should have sent)."""
    entry = shown[-1]
    had = (
        f"the bank had sent {shown[0]['answeredNextItemKey']!r}"
        if len(shown) > 1
        else "the bank had sent none"
    )
    return f"request #{entry.get('requestId', '?')} carried nextItemKey {entry['nextItemKey']!r}; {had}"
