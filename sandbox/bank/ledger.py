"""The double-entry ledger. Every money movement is one balanced journal; balances follow postings.

Sign convention: a posting's ``amount`` is positive when money comes into the account (a credit to a
customer's deposit) and negative when it leaves. The bank's own accounts take the other side, so the
legs of every journal sum to zero and so does the whole ledger. Statement lines (入出金明細) are the
postings of a deposit account.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sandbox import clock
from sandbox.bank import itemkeys
from sandbox.errors import AccountNotFound
from sandbox.store import Database, insert, row, rows

CLEARING = "BANK-CLEARING"  # other banks, through the Zengin clearing system
FEE_INCOME = "BANK-FEES"  # the bank's fee income
EQUITY = "BANK-EQUITY"  # the other side of opening balances
BANK_ACCOUNTS = {CLEARING: "clearing", FEE_INCOME: "fee_income", EQUITY: "equity"}


class Unbalanced(ValueError):
    """A journal whose legs do not sum to zero: a programming error, never a client's."""


class Leg(NamedTuple):
    """One side of a journal (a tuple: seeding and the clock build hundreds of thousands of them)."""

    account_id: str
    amount: int
    description: str = ""
    counterparty_kana: str | None = None
    edi: str | None = None


def ensure_bank_accounts(db: Database, at: datetime) -> None:
    for account_id, kind in BANK_ACCOUNTS.items():
        db.conn.execute(
            "INSERT OR IGNORE INTO accounts (id, kind, balance, created_at) VALUES (?, ?, 0, ?)",
            (account_id, kind, clock.to_db(at)),
        )


def post(
    db: Database, *, contract_id: str | None, kind: str, at: datetime, legs: list[Leg], ref: str | None = None
) -> int:
    """Write one balanced journal and update every touched balance; return the journal id.

    Must run inside the caller's transaction so that a failure leaves nothing behind.
    """
    if sum(leg.amount for leg in legs) != 0 or not legs:
        raise Unbalanced(f"journal {kind} does not balance: {[(leg.account_id, leg.amount) for leg in legs]}")
    stamp = clock.to_db(at)
    journal_id = insert(
        db,
        "journals",
        {"contract_id": contract_id, "kind": kind, "occurred_at": stamp, "ref": ref, "created_at": stamp},
    )
    value_date = at.astimezone(clock.JST).date().isoformat()
    for leg in legs:
        _post_leg(db, journal_id, leg, value_date, stamp)
    return journal_id


def _post_leg(db: Database, journal_id: int, leg: Leg, value_date: str, stamp: str) -> None:
    """Move one account's balance by the leg and write its posting with the balance after."""
    updated = db.conn.execute(
        "UPDATE accounts SET balance = balance + ? WHERE id = ? RETURNING balance",
        (leg.amount, leg.account_id),
    ).fetchone()
    if updated is None:
        raise AccountNotFound(f"no ledger account {leg.account_id!r}")
    key = itemkeys.following(stamp, last_key(db, leg.account_id))
    db.conn.execute(
        f"INSERT INTO postings ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        # then the leg's texts: description, counterparty kana, EDI
        (journal_id, leg.account_id, leg.amount, updated[0], value_date, stamp, *leg[2:], key),
    )


COLUMNS = "journal_id, account_id, amount, balance_after, value_date, posted_at, description, counterparty_kana, edi, item_key"


def last_key(db: Database, account_id: str) -> str | None:
    """The account's last statement item key (None before its first posting)."""
    return db.conn.execute(
        "SELECT MAX(item_key) FROM postings WHERE account_id = ?", (account_id,)
    ).fetchone()[0]


def last_keys(db: Database, account_ids: set[str] | None = None) -> dict[str, str]:
    """The last item key of each account that has postings (of ``account_ids``, or of all)."""
    if account_ids is None:
        return dict(db.conn.execute("SELECT account_id, MAX(item_key) FROM postings GROUP BY account_id"))
    # one indexed MAX per account (postings_account_key): a GROUP BY would walk every posting of each
    # account, and the clearing account has one for every transfer the bank ever executed
    found = {account_id: last_key(db, account_id) for account_id in account_ids}
    return {account_id: key for account_id, key in found.items() if key is not None}


class Book:
    """Journals posted one after another inside the caller's write transaction, written together by
    :meth:`flush` (the clock executes thousands of transfers at a time).

    Each :meth:`post` has the effect :func:`post` would have at that point: the same journal id, posting
    order and ``balance_after``; :meth:`balance` includes what was posted before it.
    """

    def __init__(self, db: Database, account_ids: set[str]) -> None:
        if not db.conn.in_transaction:
            raise RuntimeError("ledger.Book needs the caller's write transaction")
        marks = ",".join("?" for _ in account_ids)
        found = db.conn.execute(f"SELECT id, balance FROM accounts WHERE id IN ({marks})", list(account_ids))
        self.db, self.balances = db, {r[0]: r[1] for r in found}
        self.keys = last_keys(db, account_ids)
        # Ids as SQLite would give them: the write lock is held, nobody else inserts meanwhile.
        self.next_id = db.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM journals").fetchone()[0]
        self.journals: list[tuple[Any, ...]] = []
        self.postings: list[tuple[Any, ...]] = []
        self._stamps: dict[datetime, str] = {}

    def balance(self, account_id: str) -> int:
        if account_id not in self.balances:
            raise AccountNotFound(f"no account {account_id!r}", field="accountId")
        return self.balances[account_id]

    def post(
        self, *, contract_id: str | None, kind: str, at: datetime, legs: list[Leg], ref: str | None = None
    ) -> int:
        if sum(leg.amount for leg in legs) != 0 or not legs:
            raise Unbalanced(f"journal {kind} does not balance: {[(g.account_id, g.amount) for g in legs]}")
        stamp = self._stamps.get(at) or self._stamps.setdefault(at, clock.to_db(at))
        journal_id, value_date = self.next_id, stamp[:10]  # the JST date of the stamp
        for leg in legs:
            if leg.account_id not in self.balances:
                raise AccountNotFound(f"no ledger account {leg.account_id!r}")
            self.balances[leg.account_id] += leg.amount
            key = self.keys[leg.account_id] = itemkeys.following(stamp, self.keys.get(leg.account_id))
            self.postings.append(
                (journal_id, leg.account_id, leg.amount, self.balances[leg.account_id], value_date, stamp)
                + (leg.description, leg.counterparty_kana, leg.edi, key)
            )
        self.journals.append((journal_id, contract_id, kind, stamp, ref, stamp))
        self.next_id += 1
        return journal_id

    def flush(self) -> None:
        """Write the journals, their postings and every touched account's balance."""
        self.db.conn.executemany(
            "INSERT INTO journals (id, contract_id, kind, occurred_at, ref, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            self.journals,
        )
        self.db.conn.executemany(
            f"INSERT INTO postings ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self.postings
        )
        touched = {p[1] for p in self.postings}
        self.db.conn.executemany(
            "UPDATE accounts SET balance = ? WHERE id = ?", [(self.balances[a], a) for a in sorted(touched)]
        )
        self.journals, self.postings = [], []


def balance(db: Database, account_id: str) -> int:
    found = row(db, "SELECT balance FROM accounts WHERE id = ?", (account_id,))
    if found is None:
        raise AccountNotFound(f"no account {account_id!r}", field="accountId")
    return int(found["balance"])


def check(db: Database) -> list[str]:
    """The ledger invariant: every journal balances and every balance equals its postings' sum.

    Returns the problems found (an empty list when the ledger is sound).
    """
    problems = [
        f"journal {r['journal_id']} sums to {r['total']}"
        for r in rows(
            db, "SELECT journal_id, SUM(amount) AS total FROM postings GROUP BY journal_id HAVING total != 0"
        )
    ]
    problems += [
        f"account {r['id']} balance {r['balance']} != postings {r['total']}"
        for r in rows(
            db,
            "SELECT a.id, a.balance, COALESCE(SUM(p.amount), 0) AS total FROM accounts a"
            " LEFT JOIN postings p ON p.account_id = a.id GROUP BY a.id HAVING a.balance != total",
        )
    ]
    total = row(db, "SELECT COALESCE(SUM(amount), 0) AS total FROM postings")
    if total and total["total"] != 0:
        problems.append(f"postings sum to {total['total']}")
    return problems


def first_value_date(db: Database, account_id: str) -> str | None:
    """The value date of the account's first posting (None when it has none)."""
    found = rows(db, "SELECT MIN(value_date) AS first FROM postings WHERE account_id = ?", (account_id,))
    return found[0]["first"] if found else None
