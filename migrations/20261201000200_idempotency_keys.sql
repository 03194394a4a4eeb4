-- Idempotency-Key on POST (DESIGN §5): the first request with a key stores a hash of its method,
-- path and body, and then its answer; a retry with the same key and body gets that answer again,
-- with another body a 422, while the first is still running a 409. Keys expire after 24 h.
CREATE TABLE idempotency_keys (
    user_id                BINARY(16)        NOT NULL,
    idempotency_key        VARCHAR(100)      NOT NULL,
    request_hash           BINARY(32)        NOT NULL,
    response_status        SMALLINT UNSIGNED NULL,
    response_content_type  VARCHAR(100)      NULL,
    response_body          LONGBLOB          NULL,
    created_at             DATETIME(6)       NOT NULL,
    expires_at             DATETIME(6)       NOT NULL,
    PRIMARY KEY (user_id, idempotency_key),
    KEY idempotency_keys_expires_idx (expires_at),
    CONSTRAINT idempotency_keys_response_ck CHECK ((response_status IS NULL) = (response_body IS NULL))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
