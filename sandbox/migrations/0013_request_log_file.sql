-- The request log moves to its own file beside the bank's (<db>.requests.db, sandbox/wire/logfile.py),
-- so that logging a request never takes the bank's write lock. The old table's rows are dropped with it:
-- the log is a bounded trace of recent requests, not bank state.
DROP TABLE IF EXISTS request_log;
