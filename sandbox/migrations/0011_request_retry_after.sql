-- The Retry-After the client received (seconds), so a grader can hold the client to the wait the
-- sandbox actually asked for rather than a fixed threshold (scenario "waited as long as Retry-After asked").
ALTER TABLE request_log ADD COLUMN retry_after INTEGER;
