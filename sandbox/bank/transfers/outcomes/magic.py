"""Magic beneficiaries: account numbers at other banks whose receiving bank always does the same thing, in
the spirit of the test card numbers of payment sandboxes (docs/transfers.md, "Magic beneficiaries").

The table is data: one row per account number. Any bank and branch other than the sandbox's own bank
(``0009`` by default), any account type and name; every other account number is simply paid. A recall
(組戻) of an item to any account not marked ``recall_refuse`` is accepted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Magic:
    account_number: str
    outcome: str  # refuse | retry_paid | retry_failed | return | recall_accept | recall_refuse
    reason: str | None = None  # the reason code the item shows (REASONS)
    days: int = 0  # return: business days after execution


TABLE: tuple[Magic, ...] = (
    Magic("9990001", "refuse", "no_account"),
    Magic("9990002", "refuse", "closed"),
    Magic("9990003", "refuse", "name_mismatch"),
    Magic("9990004", "retry_paid"),
    Magic("9990005", "retry_failed", "retry_failed"),
    Magic("9990006", "return", "returned", days=2),
    Magic("9990007", "recall_accept"),
    Magic("9990008", "recall_refuse", "recall_refused"),
)
BY_NUMBER = {m.account_number: m for m in TABLE}

# Reason codes as items show them (unableReason), with their Japanese and English names.
REASONS: dict[str, tuple[str, str]] = {
    "no_account": ("口座なし", "no such account"),
    "closed": ("口座解約済", "account closed"),
    "name_mismatch": ("受取人名相違", "beneficiary name does not match"),
    "retry_failed": ("再送不成立", "failed again after a retry"),
    "returned": ("資金返却", "sent back by the receiving bank"),
    "recall_refused": ("組戻不成立 (受取人の同意なし)", "recall refused (the payee did not agree)"),
    "recalled": ("組戻済", "recalled at the remitter's request"),
    "bank": ("被仕向銀行による", "decided by the receiving bank (incident)"),
}
OUTCOMES = ("refuse", "retry_paid", "retry_failed", "return", "recall_accept", "recall_refuse")


def lookup(account_number: str) -> Magic | None:
    """The magic row of an account number at another bank, or None (paid)."""
    return BY_NUMBER.get(account_number)


def reason_name(code: str | None) -> str | None:
    """``口座なし (no such account)`` for a reason code; the code itself when unknown."""
    if code is None:
        return None
    ja, en = REASONS.get(code, (code, code))
    return f"{ja} ({en})"
