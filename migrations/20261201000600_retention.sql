-- Data retention (DESIGN §8, docs/retention.md): the inactivity notice of an account, and an index
-- for every purge and housekeeping query that had none. Already served: rate_limits
-- (rate_limits_window_idx), idempotency_keys (idempotency_keys_expires_idx), stripe_events
-- (stripe_events_processed_idx), sign_in_attempts (sign_in_attempts_updated_idx).

-- When the "your account will be anonymised" email was queued. It counts only while no activity
-- (sign-in, session refresh) is later than it: activity after the notice cancels it.
ALTER TABLE users
    ADD COLUMN inactivity_notice_at DATETIME(6) NULL AFTER last_login_at,
    -- Unverified accounts: email_verified_at IS NULL AND created_at <= ?.
    ADD KEY users_unverified_idx (email_verified_at, created_at),
    -- Accounts due for a notice: last_login_at IS NULL OR last_login_at <= ? (then created_at).
    ADD KEY users_activity_idx (last_login_at, created_at),
    -- Accounts due for anonymisation: inactivity_notice_at <= ?.
    ADD KEY users_inactivity_notice_idx (inactivity_notice_at);

-- Expired or used links: expires_at <= ? OR used_at IS NOT NULL (an index merge of the two).
ALTER TABLE one_time_tokens
    ADD KEY one_time_tokens_expires_idx (expires_at),
    ADD KEY one_time_tokens_used_idx (used_at);

-- Expired session families: expires_at <= ?. The last session refresh of a user (activity):
-- user_id = ? AND issued_at > ?, which the user index now covers (it still serves the foreign key).
ALTER TABLE refresh_tokens
    ADD KEY refresh_tokens_expires_idx (expires_at),
    ADD KEY refresh_tokens_user_issued_idx (user_id, issued_at),
    DROP KEY refresh_tokens_user_idx;

-- Finished jobs: status = 'done' AND finished_at <= ? (and the mail module's dead mails).
ALTER TABLE jobs
    ADD KEY jobs_finished_idx (status, finished_at);
