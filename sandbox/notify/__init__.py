"""Delivery of payment notifications (webhooks): the outbox the bank writes (``bank/notices.py``) sent over
HTTP to the contract's notification URL by a worker thread in each server process, with retries and
back-off, outgoing fault rules, and every attempt in the request log and on the timeline.

``targets`` (which URLs may be called) · ``outbox`` (claiming due messages with a lease, recording the
outcome) · ``faults`` (the outgoing fault rules) · ``sender`` (one HTTP POST) · ``record`` (the request log
and timeline) · ``worker`` (the delivery loop and one synchronous pass).
"""
