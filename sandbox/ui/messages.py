"""Every string the dashboard shows, in Japanese and English: ``key: (ja, en)``, with ``{name}`` fields."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_request_context

from sandbox.errors import BankError

MESSAGES: dict[str, tuple[str, str]] = {
    # frame
    "brand": ("Web21 サンドボックス", "Web21 Sandbox"),
    "brand_sub": ("運用ダッシュボード", "Operator dashboard"),
    "unofficial": (
        "非公式のローカル・サンドボックスです。実在の銀行・サービスとは関係ありません。",
        "An unofficial local sandbox, not affiliated with any bank.",
    ),
    "account_menu": ("アカウント", "Account"),
    "signed_in_admin": ("管理者としてログイン中", "Signed in as admin"),
    "signed_in_contract": ("契約 {id} としてログイン中", "Signed in as contract {id}"),
    "logout": ("ログアウト", "Sign out"),
    "breadcrumbs": ("現在位置", "Breadcrumbs"),
    "sections": ("契約のページ", "Contract sections"),
    "pages": ("ページ", "Pages"),
    # login
    "login_title": ("ログイン", "Sign in"),
    "login_help": (
        "管理者キー、または契約キーを入力してください。契約キーではその契約のみ表示されます。",
        "Enter the admin key or a contract key. A contract key shows only its own contract.",
    ),
    "login_key": ("サンドボックス管理キー", "Sandbox key"),
    "login_submit": ("ログイン", "Sign in"),
    "login_where": (
        "管理者キーはデータベースと同じフォルダーの admin.key（既定: var/admin.key）にあります。",
        "The admin key is in admin.key beside the database (by default var/admin.key).",
    ),
    "login_failed": ("キーが正しくありません。", "That key is not valid."),
    "csrf_failed": (
        "フォームの有効期限が切れたか、不正な送信です。ページを再読み込みしてやり直してください。",
        "The form expired or was not sent from this dashboard. Reload the page and try again.",
    ),
    "error_title": ("エラー", "Error"),
    "back_to_contracts": ("契約一覧へ戻る", "Back to contracts"),
    # contracts
    "contracts": ("契約一覧", "Contracts"),
    "contracts_lead": ("{n} 件の契約", "{n} contract(s)"),
    "no_contracts": ("契約がありません。", "No contracts."),
    "contract_id": ("契約ID", "Contract"),
    "company": ("契約者名", "Company"),
    "status": ("状態", "Status"),
    "services": ("利用サービス", "Services"),
    "day_kind": ("営業日", "Business day"),
    "child_of": ("親契約 {id}", "child of {id}"),
    "parent_of": ("仔契約 {id}", "parent of {id}"),
    "status_active": ("利用中", "Active"),
    "status_suspended": ("利用停止", "Suspended"),
    "status_terminated": ("解約済", "Terminated"),
    "svc_account": ("照会", "Account"),
    "svc_transfer": ("振込", "Transfer"),
    "svc_transfer-approval": ("承認", "Approval"),
    "tab_overview": ("概要", "Overview"),
    # clock
    "contract_clock": ("契約時計", "Contract clock"),
    "mode_running": ("進行中", "Running"),
    "mode_frozen": ("停止中", "Frozen"),
    "business_day": ("営業日", "Business day"),
    "holiday": ("休業日（{name}）", "Bank holiday ({name})"),
    "before_cutoff": ("当日扱い締切 {time} 前", "Before the {time} cut-off"),
    "after_cutoff": ("当日扱い締切 {time} 後", "After the {time} cut-off"),
    "next_event": ("次のイベント: {kind}（{at}）", "Next event: {kind} at {at}"),
    "no_next_event": ("予定されたイベントはありません", "No scheduled events"),
    "pending_events": ("未実行 {n} 件", "{n} pending"),
    "advance_1h": ("1時間進める", "+1 hour"),
    "advance_1d": ("1日進める", "+1 day"),
    "advance_by": ("指定して進める", "Advance by"),
    "advance": ("進める", "Advance"),
    "set_to": ("日時を指定", "Set to"),
    "set": ("移動", "Set"),
    "confirm_set": ("時計をこの日時まで進めます。よろしいですか？", "Move the clock forward to this time?"),
    "freeze": ("時計を止める", "Freeze"),
    "resume": ("時計を動かす", "Resume"),
    "clock_moved": (
        "時計を {to} に進めました（実行イベント {events} 件）。",
        "Clock moved to {to} ({events} event(s) run).",
    ),
    "clock_frozen": ("時計を止めました。", "Clock frozen."),
    "clock_running": ("時計を動かしました。", "Clock resumed."),
    # accounts and users
    "accounts": ("口座と残高", "Accounts and balances"),
    "no_accounts": ("口座がありません。", "No accounts."),
    "account_id": ("口座ID", "Account ID"),
    "branch": ("支店", "Branch"),
    "account_type": ("科目", "Type"),
    "acct_type_1": ("普通", "Ordinary"),
    "acct_type_2": ("当座", "Current"),
    "account_number": ("口座番号", "Number"),
    "holder": ("口座名義", "Holder"),
    "balance": ("残高", "Balance"),
    "total": ("合計", "Total"),
    "fee_account": ("手数料口座", "Fee account"),
    "fee_account_help": ("EB手数料決済口座", "EB fee settlement account"),
    "statement": ("入出金明細", "Statement"),
    "users": ("利用者と権限", "Users and privileges"),
    "user_id": ("利用者ID", "User ID"),
    "user_name": ("氏名", "Name"),
    "role": ("種別", "Role"),
    "role_master": ("管理専用ID", "Master ID"),
    "role_security_admin": ("セキュリティ管理利用者", "Security administrator"),
    "role_user": ("一般利用者", "User"),
    "privileges": ("サーバー連携権限", "Server-connection privileges"),
    "lock": ("ロック", "Lock"),
    "locked": ("ロック中", "Locked"),
    "unlocked": ("なし", "No"),
    "settings": ("契約の設定", "Contract settings"),
    # statement
    "balance_now": ("現在残高", "Current balance"),
    "as_of": ("{at} 現在", "as of {at}"),
    "date_from": ("開始日", "From"),
    "date_to": ("終了日", "To"),
    "show": ("表示", "Show"),
    "value_date": ("取引日", "Date"),
    "posted_at": ("時刻", "Time"),
    "description": ("摘要", "Description"),
    "counterparty": ("相手先", "Counterparty"),
    "credit": ("入金", "In"),
    "debit": ("出金", "Out"),
    "no_lines": ("この期間の明細はありません。", "No lines in this period."),
    "lines_shown": ("{n} 件表示", "{n} line(s)"),
    "first_page": ("先頭", "First"),
    "prev_page": ("前へ", "Previous"),
    "next_page": ("次へ", "Next"),
    "bad_date": ("日付を読み取れません: {value}", "Not a date: {value}"),
    # OAuth
    "tab_oauth": ("認可・トークン", "Grants and tokens"),
    "svc_offline_access": ("オフライン", "offline_access"),
    "save": ("保存", "Save"),
    "unlock": ("解除", "Unlock"),
    "privileges_saved": (
        "{user} の権限を保存しました（終了したアクセス許可 {n} 件）。",
        "Saved the privileges of {user} ({n} grant(s) ended).",
    ),
    "user_unlocked": ("{user} のロックを解除しました。", "Unlocked {user}."),
    "clients": ("クライアント", "Clients"),
    "no_clients": ("登録されたクライアントはありません。", "No registered clients."),
    "client_id": ("クライアントID", "Client ID"),
    "client_name": ("名称", "Name"),
    "redirect_uri": ("WebサーバーのURL", "Redirect URI"),
    "client_type": ("種類", "Type"),
    "client_confidential": ("コンフィデンシャル", "Confidential"),
    "client_public": ("パブリック（PKCE）", "Public (PKCE)"),
    "key_id": ("暗号化キーID", "Encryption key ID"),
    "client_status_active": ("有効", "Active"),
    "client_status_disabled": ("無効", "Disabled"),
    "grants": ("アクセス許可", "Grants"),
    "grants_lead": ("新しい順。終了したものは理由を表示します。", "Newest first; ended ones say why."),
    "no_grants": ("アクセス許可はまだありません。", "No grants yet."),
    "scope": ("サービス", "Scope"),
    "created_at": ("許可日時", "Granted"),
    "expires_at": ("有効期限", "Expires"),
    "issued_at": ("発行日時", "Issued"),
    "via_consent": ("同意画面", "consent screen"),
    "via_headless": ("ヘッドレス（CI）", "headless (CI)"),
    "life_active": ("有効", "Active"),
    "life_expired": ("期限切れ", "Expired"),
    "life_revoked": ("取消", "Revoked"),
    "revoke": ("取消", "Revoke"),
    "confirm_revoke": (
        "このアクセス許可と発行済みトークンをすべて取り消します。よろしいですか？",
        "Revoke this grant and every token it issued?",
    ),
    "grant_revoked": ("アクセス許可 {id} を取り消しました。", "Grant {id} revoked."),
    "tokens_n": ("トークン {n} 件", "{n} token(s)"),
    "refresh": ("リフレッシュトークン", "Refresh token"),
    "refresh_live": ("未使用", "unused"),
    "rotated_at": ("{at} に更新済", "rotated {at}"),
    "latest_only": ("最新 {n} 件のみ表示しています。", "Showing the latest {n} only."),
    "reason_client_revoked": ("クライアントが取消（RFC 7009）", "Revoked by the client (RFC 7009)"),
    "reason_superseded": (
        "同じ利用者が同じクライアントに再度許可（設定 revokePreviousGrant）",
        "The user consented again for the same client (setting revokePreviousGrant)",
    ),
    "reason_refresh_reuse": (
        "更新済みのリフレッシュトークンが再使用されたため許可ごと取消",
        "A rotated refresh token was used again: the whole grant is revoked",
    ),
    "reason_code_replay": (
        "認可コードが2回使用されたため発行分を取消",
        "Its authorization code was used twice: what it issued is revoked",
    ),
    "reason_privilege_removed": (
        "利用者のサーバー連携権限が削除された（§5(5)①）",
        "The user's server-connection privileges were removed (§5(5)①)",
    ),
    "reason_control": ("サンドボックス管理操作で取消", "Revoked through the sandbox control surface"),
    "reason_bank": ("銀行による取消（§5(5)②）", "Revoked by the bank (§5(5)②)"),
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
}


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
