-- The Retry-After the client received (seconds), so a grader can hold the client to the wait the
-- sandbox actually asked for rather than a fixed threshold (scenario "waited as long as Retry-After asked").
ALTER TABLE request_log ADD COLUMN retry_after INTEGER;
-- The account a request named (its accountId query parameter), so "read the statement of the paying
-- account after execution" is decided from the bank's side, not from what the client says.
ALTER TABLE request_log ADD COLUMN account_id TEXT;
