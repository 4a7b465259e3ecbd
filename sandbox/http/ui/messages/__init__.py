"""Every string the dashboard shows, in Japanese and English: ``key: (ja, en)``, with ``{name}`` fields.

The table is kept by page, one module each; keys are unique across them (a test checks it).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context

from sandbox.errors import BankError
from sandbox.http.ui.messages import domain, faults, oauth, pages, transfers

PARTS = (pages.TEXTS, oauth.TEXTS, transfers.TEXTS, faults.TEXTS, domain.TEXTS)
MESSAGES: dict[str, tuple[str, str]] = {key: text for part in PARTS for key, text in part.items()}


def language() -> str:
    return g.get("lang", "ja") if has_request_context() else "ja"


def t(key: str, **fields: Any) -> str:
    """The message ``key`` in the request's language, with ``fields`` filled in."""
    pair = MESSAGES.get(key)
    if pair is None:
        if current_app.testing:  # a missing message fails the tests, never a page in use
            raise KeyError(f"no UI message {key!r}")
        return key
    text = pair[1] if language() == "en" else pair[0]
    return text.format(**fields) if fields else text


def error_text(error: BankError) -> str:
    """A domain error for people: its message in the user's language and the detail that names the cause."""
    message = error.message_en if language() == "en" else error.message_ja
    return f"{message} ({error.detail})" if error.detail else message
