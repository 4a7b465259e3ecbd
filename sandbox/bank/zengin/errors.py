"""Error codes of 全銀 files, part of the one catalogue (sandbox/http/catalogue.py)."""

from __future__ import annotations

from typing import Any

from sandbox.bank.zengin.codec import Problem
from sandbox.errors import BankError


class ZenginFileInvalid(BankError):
    """An uploaded 全銀 file has problems; ``fileErrorDetails`` lists every one (record, position, field,
    code, message) and nothing was created. The problem codes are listed in docs/zengin.md."""

    code, status = "zengin_file_invalid", 400
    message_ja = "全銀ファイルに誤りがあります。"
    message_en = "The Zengin file has errors; nothing was created."

    def __init__(self, problems: list[Problem] | None = None) -> None:
        problems = sorted(problems or [], key=lambda p: (p.record or 0, p.position or 0))
        records = len({p.record for p in problems if p.record is not None})
        super().__init__(f"{len(problems)} problem(s) in {records} record(s)", field="file")
        self.problems = problems

    def body(self) -> dict[str, Any]:
        return {**super().body(), "fileErrorDetails": [p.public() for p in self.problems]}
