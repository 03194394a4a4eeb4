-- Password attempts are counted per email address, whether an account has it or not (issue 11,
-- defects 4, 5 and 13): an unknown address takes the same statements and locks the same way as
-- a known one, so neither the answers nor their timing tell whether an account exists. The key
-- is an HMAC of the address (RATE_LIMIT_KEY), never the address. The counters leave `users`.
CREATE TABLE sign_in_attempts (
    email_key     BINARY(32)   NOT NULL PRIMARY KEY,
    failed_count  INT UNSIGNED NOT NULL DEFAULT 0,
    locked_until  DATETIME(6)  NULL,
    updated_at    DATETIME(6)  NOT NULL,
    KEY sign_in_attempts_updated_idx (updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

ALTER TABLE users DROP COLUMN failed_logins, DROP COLUMN locked_until;
