"""The 全銀協 standard record layouts the sandbox reads and writes, as data: one table per record type.

Each field is ``(key, 日本語名, start, length, kind)`` with ``start`` the 1-based byte position in the record,
as the 全銀協 layout sheets print it. Kinds: ``N`` digits, right-aligned and zero-padded; ``C`` JIS X 0201
half-width text (kana, upper-case Latin, digits, a few symbols), left-aligned and space-padded; ``D`` a
dummy (ダミー) of spaces. ``fixed`` is the value a field must hold (データ区分, 種別コード, コード区分).

- 総合振込 / 給与振込 / 賞与振込 (種別 21 / 11 / 12): 120-byte records, header 1, data 2, trailer 8, end 9.
- 入出金取引明細 (種別 03) and 振込入金通知 (種別 01): 200-byte records, dates in the Japanese era calendar
  (YYMMDD, 令和: 2026 is 08).

:func:`check` runs at import: every table tiles its record exactly, so a typo in a start or a length is an
import error, not a shifted file.
"""

from __future__ import annotations

from typing import NamedTuple


class Field(NamedTuple):
    key: str
    name: str  # the 全銀協 sheet's name, as error messages show it
    start: int  # 1-based byte position
    length: int
    kind: str  # N digits, C half-width text, D dummy
    fixed: str | None = None

    @property
    def end(self) -> int:
        """The last byte position of the field (1-based, inclusive)."""
        return self.start + self.length - 1


class Layout(NamedTuple):
    name: str  # e.g. 総合振込 data
    kind: str  # データ区分: 1 header, 2 data, 8 trailer, 9 end
    length: int
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field:
        """The field called ``key``."""
        return next(f for f in self.fields if f.key == key)


def _kind(kind: str) -> Field:
    return Field("dataKind", "データ区分", 1, 1, "N", kind)


# -- 総合振込 / 給与振込 (120 bytes) -------------------------------------------------------------------

TRANSFER_HEADER = Layout(
    "総合振込 header",
    "1",
    120,
    (
        _kind("1"),
        Field("typeCode", "種別コード", 2, 2, "N"),
        Field("codeClass", "コード区分", 4, 1, "N", "0"),
        Field("remitterCode", "振込依頼人コード", 5, 10, "N"),
        Field("remitterName", "振込依頼人名", 15, 40, "C"),
        Field("designatedDate", "振込指定日", 55, 4, "N"),
        Field("bankCode", "仕向銀行番号", 59, 4, "N"),
        Field("bankName", "仕向銀行名", 63, 15, "C"),
        Field("branchCode", "仕向支店番号", 78, 3, "N"),
        Field("branchName", "仕向支店名", 81, 15, "C"),
        Field("accountType", "預金種目(依頼人)", 96, 1, "N"),
        Field("accountNumber", "口座番号(依頼人)", 97, 7, "N"),
        Field("dummy", "ダミー", 104, 17, "D"),
    ),
)

TRANSFER_DATA = Layout(
    "総合振込 data",
    "2",
    120,
    (
        _kind("2"),
        Field("bankCode", "被仕向銀行番号", 2, 4, "N"),
        Field("bankName", "被仕向銀行名", 6, 15, "C"),
        Field("branchCode", "被仕向支店番号", 21, 3, "N"),
        Field("branchName", "被仕向支店名", 24, 15, "C"),
        Field("clearingHouse", "手形交換所番号", 39, 4, "C"),
        Field("accountType", "預金種目", 43, 1, "N"),
        Field("accountNumber", "口座番号", 44, 7, "N"),
        Field("beneficiaryName", "受取人名", 51, 30, "C"),
        Field("amount", "振込金額", 81, 10, "N"),
        Field("newCode", "新規コード", 91, 1, "N"),
        Field("customerCodes", "顧客コード1・2 / EDI情報", 92, 20, "C"),
        Field("designatedType", "振込指定区分", 112, 1, "N"),
        Field("identification", "識別表示", 113, 1, "C"),
        Field("dummy", "ダミー", 114, 7, "D"),
    ),
)

TRANSFER_TRAILER = Layout(
    "総合振込 trailer",
    "8",
    120,
    (
        _kind("8"),
        Field("totalCount", "合計件数", 2, 6, "N"),
        Field("totalAmount", "合計金額", 8, 12, "N"),
        Field("dummy", "ダミー", 20, 101, "D"),
    ),
)

TRANSFER_END = Layout("総合振込 end", "9", 120, (_kind("9"), Field("dummy", "ダミー", 2, 119, "D")))

TRANSFER = {
    layout.kind: layout for layout in (TRANSFER_HEADER, TRANSFER_DATA, TRANSFER_TRAILER, TRANSFER_END)
}

# -- 入出金取引明細 (種別 03, 200 bytes) ---------------------------------------------------------------

STATEMENT_HEADER = Layout(
    "入出金取引明細 header",
    "1",
    200,
    (
        _kind("1"),
        Field("typeCode", "種別コード", 2, 2, "N", "03"),
        Field("codeClass", "コード区分", 4, 1, "N", "0"),
        Field("createdOn", "作成日", 5, 6, "N"),
        Field("dateFrom", "勘定日(自)", 11, 6, "N"),
        Field("dateTo", "勘定日(至)", 17, 6, "N"),
        Field("bankCode", "銀行コード", 23, 4, "N"),
        Field("bankName", "銀行名", 27, 15, "C"),
        Field("branchCode", "支店コード", 42, 3, "N"),
        Field("branchName", "支店名", 45, 15, "C"),
        Field("dummy1", "ダミー", 60, 3, "D"),
        Field("accountType", "預金種目", 63, 1, "N"),
        Field("accountNumber", "口座番号", 64, 7, "N"),
        Field("accountName", "口座名", 71, 40, "C"),
        Field("overdraft", "貸越区分", 111, 1, "N"),
        Field("passbook", "通帳・証書区分", 112, 1, "N"),
        Field("openingBalance", "取引前残高", 113, 14, "N"),
        Field("dummy", "ダミー", 127, 74, "D"),
    ),
)

STATEMENT_DATA = Layout(
    "入出金取引明細 data",
    "2",
    200,
    (
        _kind("2"),
        Field("inquiryNumber", "照会番号", 2, 8, "N"),
        Field("bookedOn", "勘定日", 10, 6, "N"),
        Field("valueOn", "預入・払出日", 16, 6, "N"),
        Field("direction", "入払区分", 22, 1, "N"),
        Field("transactionType", "取引区分", 23, 2, "N"),
        Field("amount", "取引金額", 25, 12, "N"),
        Field("otherBankChecks", "うち他店券金額", 37, 12, "N"),
        Field("clearingDate", "交換呈示日", 49, 6, "N"),
        Field("dishonourDate", "不渡返還日", 55, 6, "N"),
        Field("billType", "手形・小切手区分", 61, 1, "N"),
        Field("billNumber", "手形・小切手番号", 62, 7, "N"),
        Field("branchNumber", "僚店番号", 69, 3, "N"),
        Field("remitterCode", "振込依頼人コード", 72, 10, "N"),
        Field("counterparty", "振込依頼人名又は契約者番号", 82, 48, "C"),
        Field("payingBank", "仕向銀行名", 130, 15, "C"),
        Field("payingBranch", "仕向店名", 145, 15, "C"),
        Field("description", "摘要内容", 160, 20, "C"),
        Field("edi", "EDI情報", 180, 20, "C"),
        Field("dummy", "ダミー", 200, 1, "D"),
    ),
)

STATEMENT_TRAILER = Layout(
    "入出金取引明細 trailer",
    "8",
    200,
    (
        _kind("8"),
        Field("creditCount", "入金件数", 2, 6, "N"),
        Field("creditTotal", "入金額合計", 8, 13, "N"),
        Field("debitCount", "出金件数", 21, 6, "N"),
        Field("debitTotal", "出金額合計", 27, 13, "N"),
        Field("overdraft", "貸越区分", 40, 1, "N"),
        Field("closingBalance", "取引後残高", 41, 14, "N"),
        Field("recordCount", "データ・レコード件数", 55, 7, "N"),
        Field("dummy", "ダミー", 62, 139, "D"),
    ),
)

STATEMENT_END = Layout("入出金取引明細 end", "9", 200, (_kind("9"), Field("dummy", "ダミー", 2, 199, "D")))

STATEMENT = {
    layout.kind: layout for layout in (STATEMENT_HEADER, STATEMENT_DATA, STATEMENT_TRAILER, STATEMENT_END)
}

# -- 振込入金通知 (種別 01, 200 bytes) -----------------------------------------------------------------

NOTICE_HEADER = Layout(
    "振込入金通知 header",
    "1",
    200,
    (
        _kind("1"),
        Field("typeCode", "種別コード", 2, 2, "N", "01"),
        Field("codeClass", "コード区分", 4, 1, "N", "0"),
        Field("createdOn", "作成日", 5, 6, "N"),
        Field("dateFrom", "勘定日(自)", 11, 6, "N"),
        Field("dateTo", "勘定日(至)", 17, 6, "N"),
        Field("bankCode", "銀行コード", 23, 4, "N"),
        Field("bankName", "銀行名", 27, 15, "C"),
        Field("branchCode", "支店コード", 42, 3, "N"),
        Field("branchName", "支店名", 45, 15, "C"),
        Field("accountType", "預金種目", 60, 1, "N"),
        Field("accountNumber", "口座番号", 61, 7, "N"),
        Field("accountName", "口座名", 68, 40, "C"),
        Field("dummy", "ダミー", 108, 93, "D"),
    ),
)

NOTICE_DATA = Layout(
    "振込入金通知 data",
    "2",
    200,
    (
        _kind("2"),
        Field("inquiryNumber", "照会番号", 2, 6, "N"),
        Field("bookedOn", "勘定日", 8, 6, "N"),
        Field("valueOn", "起算日", 14, 6, "N"),
        Field("amount", "金額", 20, 10, "N"),
        Field("otherBankChecks", "うち他店券金額", 30, 10, "N"),
        Field("remitterCode", "振込依頼人コード", 40, 10, "N"),
        Field("remitterName", "振込依頼人名", 50, 48, "C"),
        Field("payingBank", "仕向銀行名", 98, 15, "C"),
        Field("payingBranch", "仕向店名", 113, 15, "C"),
        Field("cancelled", "取消区分", 128, 1, "C"),
        Field("edi", "EDI情報", 129, 20, "C"),
        Field("dummy", "ダミー", 149, 52, "D"),
    ),
)

NOTICE_TRAILER = Layout(
    "振込入金通知 trailer",
    "8",
    200,
    (
        _kind("8"),
        Field("count", "振込件数", 2, 6, "N"),
        Field("total", "振込金額合計", 8, 12, "N"),
        Field("cancelCount", "取消件数", 20, 6, "N"),
        Field("cancelTotal", "取消金額合計", 26, 12, "N"),
        Field("dummy", "ダミー", 38, 163, "D"),
    ),
)

NOTICE_END = Layout("振込入金通知 end", "9", 200, (_kind("9"), Field("dummy", "ダミー", 2, 199, "D")))

NOTICE = {layout.kind: layout for layout in (NOTICE_HEADER, NOTICE_DATA, NOTICE_TRAILER, NOTICE_END)}

FILES = {"21": TRANSFER, "11": TRANSFER, "12": TRANSFER, "03": STATEMENT, "01": NOTICE}


def markdown(layout: Layout) -> str:
    """The layout as the Markdown table docs/zengin.md prints (a test keeps the two the same)."""
    rows = [f"**{layout.name}** ({layout.length} bytes)", "", "| pos | field | key | kind | bytes | value |"]
    rows.append("|---|---|---|---|---|---|")
    for f in layout.fields:
        rows.append(f"| {f.start} | {f.name} | `{f.key}` | {f.kind} | {f.length} | {f.fixed or ''} |")
    return "\n".join(rows)


def check(layout: Layout) -> None:
    """Fields in order, each starting where the previous ended, the last ending at the record's length."""
    position = 1
    for f in layout.fields:
        assert f.start == position, f"{layout.name}: {f.name} starts at {f.start}, expected {position}"
        assert f.fixed is None or len(f.fixed) == f.length, f"{layout.name}: {f.name} fixed value"
        position = f.end + 1
    assert position == layout.length + 1, f"{layout.name} is {position - 1} bytes, not {layout.length}"


for _table in (TRANSFER, STATEMENT, NOTICE):
    for _layout in _table.values():
        check(_layout)
