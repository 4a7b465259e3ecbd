"""A reference client of the server-connection API: what a careful integration does, in code you can read.

Run it as the client under test of a scenario::

    web21-sandbox scenario run happy-path --client-cmd "python -m sandbox.scenario.reference_client"

What it does, and where:

- ``session.py`` — tokens. Consent per user (headless in CI through the sandbox control API; a real
  deployment sends the user to the consent screen). The operator's token carries ``account transfer
  offline_access``; the approver's ``transfer-approval`` lives in a token of its own, without a refresh
  token, fetched just before an approval and revoked right after (§2(2)④). Access tokens are refreshed
  shortly *before* they expire and, should the clock have jumped, once *after* a ``token_expired``
  answer. When the grant itself has ended (§5(4)) it consents again; when the bank revoked it (§5(5)②)
  or the contract ended (§9) it stops and reports instead of trying again.
- ``transport.py`` — every HTTP call. Timeouts, a retry only when the retry is safe (GET, or a POST
  carrying an ``Idempotency-Key``), ``Retry-After`` honoured on 429/503 (§2(4); a rate limit only slows
  it down), and typed errors that
  say whether to retry, stop, or give up on one service only (§5(3)②, §7(4)①).
- ``payments.py`` — transfers. One ``Idempotency-Key`` per payment and the exact same body on every
  retry, so a lost response (§7(1)) never makes a second transfer; a date that respects the cut-off and
  bank holidays; the fee quoted first and booked to the account the bank names (§2(5)); beneficiaries
  sealed as JWE with the current key, and a stop (not a blind retry) when the key was rotated (§5(2)②).
- ``salary.py`` — salary files (給与振込 as one bulk transfer). The approval is sent once; when the bank
  says it came too late (``bulk_transfer_too_late``, three business days before payday) the client
  reports it and never re-sends the file for another date on its own: the payday is the employer's.
- ``__main__.py`` — the scenario protocol: one JSON command a line on stdin, one answer a line on stdout.

The one sandbox-specific part is the clock: in a rehearsal the bank's time is the contract clock, which
jumps, so ``BankClock`` reads it from the control API; against a real bank it is the system clock.
"""
