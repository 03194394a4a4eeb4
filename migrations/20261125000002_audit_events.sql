-- Who did what to which resource, and when. Ids and action names only: never personal data.
CREATE TABLE audit_events (
    id         BINARY(16)  NOT NULL PRIMARY KEY,
    actor_id   BINARY(16)  NULL,
    action     VARCHAR(64) NOT NULL,
    target_id  BINARY(16)  NULL,
    at         DATETIME(6) NOT NULL,
    KEY audit_events_target_idx (target_id, at),
    KEY audit_events_actor_idx (actor_id, at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
