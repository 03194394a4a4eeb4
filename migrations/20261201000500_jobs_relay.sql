-- The outbox relay of QUEUE=sqs (DESIGN §7) publishes committed rows not yet published and due
-- (or due within its horizon): WHERE relayed_at IS NULL AND status = 'queued' AND run_at <= ?
-- ORDER BY run_at, FOR UPDATE SKIP LOCKED. This index serves that scan, and the relay-lag
-- metric, without reading the done history (most of the table, relayed long ago).
CREATE INDEX jobs_relay_idx ON jobs (relayed_at, status, run_at);
