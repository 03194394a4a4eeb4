-- The worker's schedules (DESIGN §7): one row per schedule, the lease of its ticks. A worker
-- instance about to enqueue the job of a period takes the row FOR UPDATE, and enqueues only when
-- the row names an earlier period; it records the period and the job in the same transaction,
-- so across every instance each period's job is enqueued once. Also what ops read to see when
-- each schedule last ran (`ycyw-worker schedules`).
CREATE TABLE schedule_runs (
    name          VARCHAR(64)  NOT NULL PRIMARY KEY,
    period_start  DATETIME(6)  NOT NULL,
    every_seconds INT UNSIGNED NOT NULL,
    job_id        BINARY(16)   NULL,
    ticked_by     VARCHAR(64)  NOT NULL,
    ticked_at     DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
