"""The transfers tab: ``key: (ja, en)``, with ``{name}`` fields."""

TEXTS: dict[str, tuple[str, str]] = {
    # transfers
    "tab_transfers": ("振込", "Transfers"),
    "transfers": ("振込依頼", "Transfer requests"),
    "transfers_lead": ("新しい順", "Newest first"),
    "no_transfers": ("振込依頼はありません。", "No transfer requests."),
    "all_statuses": ("すべての状態", "All statuses"),
    "apply_no": ("受付番号", "Apply no."),
    "debit_account": ("支払口座", "Debit account"),
    "execution_date": ("振込日", "Execution date"),
    "designated": ("指定日 {date}", "designated {date}"),
    "count": ("件数", "Items"),
    "amount": ("金額", "Amount"),
    "fee": ("手数料", "Fee"),
    "applicant": ("申請者", "Applicant"),
    "approver": ("承認者", "Approver"),
    "beneficiary": ("受取人", "Beneficiary"),
    "items_and_history": ("明細 {n} 件・経過 {h} 件", "{n} item(s), {h} step(s)"),
    "newest": ("最新へ", "Newest"),
    "older": ("さらに古い依頼", "Older"),
    "tier_sameBranch": ("同一店宛", "same branch"),
    "tier_sameBank": ("同一銀行宛", "same bank"),
    "tier_otherBank": ("他行宛", "other bank"),
    "actor_user": ("利用者", "user"),
    "actor_clock": ("時計", "clock"),
    "actor_bank": ("銀行", "bank"),
    "tstatus_2": ("申請中", "Awaiting approval"),
    "tstatus_3": ("差戻", "Returned"),
    "tstatus_4": ("取下げ", "Withdrawn"),
    "tstatus_5": ("期限切れ", "Expired"),
    "tstatus_8": ("承認取消・予約取消", "Cancelled"),
    "tstatus_11": ("予約中", "Reserved"),
    "tstatus_12": ("手続中", "In progress"),
    "tstatus_20": ("手続済", "Completed"),
    "tstatus_22": ("資金返却", "Funds returned"),
    "tstatus_40": ("手続不成立", "Failed"),
    "reason_password_changed": ("利用者のパスワードが変更された", "The user's password was changed"),
    "reason_contract_terminated": ("契約が解約された（§8, §9）", "The contract was terminated (§8, §9)"),
}
TEXTS.update(
    {
        # the 全銀 file form (sandbox/http/ui/panel_zengin.py)
        "zengin_upload": ("全銀ファイルの取込", "Upload a 全銀 file"),
        "zengin_upload_lead": (
            "総合振込・給与振込ファイル（120バイト、Shift_JIS）。承認は API で行います。",
            "総合振込 / 給与振込 file (120-byte records, Shift_JIS). Approve it over the API.",
        ),
        "zengin_file": ("ファイル", "File"),
        "zengin_send": ("取り込む", "Upload"),
        "zengin_uploaded": (
            "受付番号 {apply_no}：{n} 件を申請中として受け付けました（指定日 {date}）。",
            "Accepted {apply_no}: {n} item(s) awaiting approval (designated {date}).",
        ),
        "zengin_where": ("レコード {record}・{position} バイト目", "record {record}, byte {position}"),
        "zengin_more": ("ほか {n} 件の誤り", "and {n} more problem(s)"),
    }
)
