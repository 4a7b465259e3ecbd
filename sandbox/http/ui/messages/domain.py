"""Texts the domain records in English (the control API and the CLI answer in English), for the pages:
event kinds, journal kinds, transfer failure and return reasons, timeline lines. ``key: (ja, en)``."""

TEXTS: dict[str, tuple[str, str]] = {
    # clock events (sandbox/timetable.py)
    "event_transfer.execute": ("振込実行", "transfer.execute"),
    "event_transfer.expire": ("承認期限切れ処理", "transfer.expire"),
    "event_fee.monthly": ("月額基本料の引落し", "fee.monthly"),
    "event_incident": ("予約されたインシデント", "incident"),
    "event_transfer.clear": ("他行宛明細の決済", "transfer.clear"),
    "event_transfer.retry": ("被仕向銀行への再送", "transfer.retry"),
    "event_transfer.item-return": ("資金返却", "transfer.item-return"),
    "event_transfer.recall": ("組戻の回答", "transfer.recall"),
    "event_status_done": ("完了", "done"),
    "event_status_failed": ("失敗", "failed"),
    # journal kinds (the ledger)
    "journal_transfer": ("振込", "transfer"),
    "journal_transfer_return": ("資金返却", "transfer_return"),
    "journal_transfer_refused": ("振込不能の返金", "transfer_refused"),
    "journal_transfer_recall": ("組戻", "transfer_recall"),
    "journal_recall_fee": ("組戻手数料", "recall_fee"),
    "journal_deposit": ("入金", "deposit"),
    "journal_direct_debit": ("口座振替", "direct_debit"),
    "journal_fee": ("手数料", "fee"),
    # why a transfer failed, expired or came back
    "transfer_reason_funds": (
        "口座 {account} の残高不足（{amount}円が必要）",
        "insufficient funds in {account}: {amount} yen needed",
    ),
    "transfer_reason_expired": (
        "振込指定日の締切までに承認されませんでした",
        "not approved by the cut-off of its date",
    ),
    "transfer_reason_returned": ("受取銀行から返却されました", "returned by the receiving bank"),
    "transfer_reason_closed": ("受取銀行で口座が解約済みでした", "account closed at the receiving bank"),
    # timeline lines
    "tl_transfer": ("振込 {no}: {was} → {to}（{who}）", "transfer {no} {was} → {to} by {who}"),
    "tl_transfer_new": ("新規", "new"),
    "tl_posting": ("仕訳 {id} {kind}{ref}: {legs}", "journal {id} {kind}{ref}: {legs}"),
    "tl_granted": (
        "{user} がクライアント {client} に {scope} を許可（{via}）",
        "{user} granted {scope} to client {client} ({via})",
    ),
    "tl_revoked": (
        "アクセス許可 {id}（クライアント {client}）終了: {reason}",
        "grant {id} of client {client} revoked: {reason}",
    ),
    "tl_expired": (
        "アクセス許可 {id}（クライアント {client}、{user}）が期限切れ: 再度の同意が必要（§5(4)）",
        "grant {id} of client {client} for {user} expired: consent again (§5(4))",
    ),
    "tl_privileges": ("{user} の権限: {privileges}", "{user} privileges: {privileges}"),
    "tl_deposit": (
        "{account} に {amount}円の入金（振込依頼人 {remitter}）",
        "deposit of {amount} yen to {account} from {remitter}",
    ),
    "tl_event": ("時計イベント「{kind}」実行（{status}）", "clock event {kind} ran ({status})"),
    "tl_notify_attempt": (
        "入金通知 {id} の送信 {n} 回目 → {shown}（{result}）",
        "notification {id} attempt {n} → {shown} ({result})",
    ),
    "tl_notify_held": (
        "入金通知 {id} を {effect} により {until} まで保留",
        "notification {id} held by {effect} until {until}",
    ),
    "tl_notify_started": ("入金通知を開始: {types}", "notifications started for {types}"),
    "tl_notify_stopped": ("入金通知を停止: {types}", "notifications stopped for {types}"),
    "tl_notify_fetched": (
        "未送信の入金通知 {n} 件（{type}）が取得された",
        "{n} unsent {type} notifications fetched",
    ),
    "tl_by": ("（{who}）", " by {who}"),
    "outcome_reset": ("処理前に接続をリセット", "the connection was reset before processing"),
    "outcome_timeout": ("接続を保持したのち切断（未処理）", "held open, then closed; not processed"),
    "outcome_reset_after_commit": (
        "処理・確定済み（サンドボックスの応答 {status}）ののち接続をリセット",
        "committed (the sandbox answered {status}), then the connection was reset",
    ),
    "outcome_error_after_commit": (
        "処理・確定済み（サンドボックスの応答 {status}）ののちエラーを送信",
        "committed (the sandbox answered {status}), then an error was sent instead",
    ),
    "outcome_truncated": ("本文の一部を送って切断", "part of the body, then the connection closed"),
    "outcome_replayed": (
        "Idempotency-Key に保存した応答を再送",
        "the stored answer to its Idempotency-Key, replayed",
    ),
    # date-time fields in the page's format
    "instant_format": ("YYYY/MM/DD HH:MM", "YYYY-MM-DD HH:MM"),
    "day_format": ("YYYY/MM/DD", "YYYY-MM-DD"),
}
