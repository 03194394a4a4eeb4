-- The job outbox and queue (DESIGN §4 shared, §7). Rows are written in the same transaction as the
-- business change that needs the job; the worker claims them with FOR UPDATE SKIP LOCKED.
CREATE TABLE jobs (
    id            BINARY(16)   NOT NULL PRIMARY KEY,
    kind          VARCHAR(64)  NOT NULL,
    payload       JSON         NOT NULL,
    status        VARCHAR(16)  NOT NULL DEFAULT 'queued',
    run_at        DATETIME(6)  NOT NULL,
    attempts      INT UNSIGNED NOT NULL DEFAULT 0,
    max_attempts  INT UNSIGNED NOT NULL DEFAULT 8,
    locked_until  DATETIME(6)  NULL,
    locked_by     VARCHAR(64)  NULL,
    last_error    VARCHAR(2000) NULL,
    dedup_key     VARCHAR(191) NULL,
    relayed_at    DATETIME(6)  NULL,
    created_at    DATETIME(6)  NOT NULL,
    updated_at    DATETIME(6)  NOT NULL,
    finished_at   DATETIME(6)  NULL,
    CONSTRAINT jobs_status_ck CHECK (status IN ('queued', 'running', 'done', 'dead')),
    CONSTRAINT jobs_attempts_ck CHECK (max_attempts >= 1),
    CONSTRAINT jobs_lease_ck CHECK (status <> 'running' OR locked_until IS NOT NULL),
    UNIQUE KEY jobs_dedup_key_uq (dedup_key),
    KEY jobs_claim_idx (status, run_at),
    KEY jobs_lease_idx (status, locked_until)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
