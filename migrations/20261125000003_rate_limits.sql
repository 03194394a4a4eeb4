-- Fixed-window request counters shared by every instance (per-IP limits on login, registration,
-- reset requests and the contact form). The key holds a hash of the IP, never the IP itself.
CREATE TABLE rate_limits (
    bucket        VARCHAR(96) NOT NULL,
    window_start  DATETIME(6) NOT NULL,
    hits          INT UNSIGNED NOT NULL,
    PRIMARY KEY (bucket, window_start),
    KEY rate_limits_window_idx (window_start)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
