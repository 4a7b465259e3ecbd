"""Error codes of item outcomes and recalls (組戻), part of the one catalogue (sandbox/http/catalogue.py)."""

from __future__ import annotations

from sandbox.errors import BankError


class RecallNotPossible(BankError):
    """The request or item cannot be recalled in its state: not paid to another bank, or already returned,
    recalled or being recalled (a second, concurrent recall of the same items gets this)."""

    code, status = "recall_not_possible", 409
    message_ja = "この振込は組戻できません。"
    message_en = "This transfer cannot be recalled (組戻) in its current state."
