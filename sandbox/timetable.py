"""Every kind of event a contract clock runs, and its handler: the one table (DESIGN §2).

The queue (:mod:`sandbox.events`) stores, orders and runs events but knows no kind; this table, at the
top of the domain, names each kind's handler. To add a kind: a constant and a handler in its domain
module, then a line here. ``BATCH_HANDLERS`` run several events of one kind due at the same instant at
once, with the effect each would have alone (transfers executing at 09:00 on a busy date).
"""

from __future__ import annotations

from sandbox.bank import contracts, fees
from sandbox.bank.bulk import execution as bulk
from sandbox.bank.payers import simulator as payers
from sandbox.bank.transfers import batch, execution, lifecycle
from sandbox.bank.transfers.outcomes import clearing, recall
from sandbox.bank.va import lifecycle as va
from sandbox.events import BatchHandler, Handler, Table
from sandbox.incidents import lifecycle as incidents

HANDLERS: dict[str, Handler] = {
    execution.EXECUTE_EVENT: execution.execute_event,
    lifecycle.EXPIRE_EVENT: lifecycle.expire_event,
    fees.MONTHLY_FEE_EVENT: fees.charge_monthly_fee,
    incidents.EVENT: incidents.run_scheduled,
    bulk.EVENT: bulk.open_event,  # a bulk transfer's designated date opens: execute or expire
    va.CLOSE_EVENT: va.close_event,  # a close-request's month end: the parent account's VAs close
    payers.EVENT: payers.pay_event,  # the payer simulator: one payment (or a split's second part)
    clearing.CLEAR_EVENT: clearing.clear_event,  # other-bank items decided after clearingDelaySeconds
    clearing.RETRY_EVENT: clearing.retry_event,  # 13 リトライ中 → paid, or 不能 with the money back
    clearing.RETURN_EVENT: clearing.return_event,  # a paid item comes back (資金返却)
    recall.RECALL_EVENT: recall.recall_event,  # the receiving bank's answer to a 組戻
}

BATCH_HANDLERS: dict[str, BatchHandler] = {
    execution.EXECUTE_EVENT: batch.execute_events,
}

TABLE = Table(HANDLERS, BATCH_HANDLERS, contracts.get, contracts.decode)
