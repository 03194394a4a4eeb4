-- Payments (DESIGN §4, §5, §8). Owned by ycyw-payments alone; reservations are referred to by id.
--
-- A charge is one Stripe Checkout Session for a reservation (or for the difference of one of its
-- changes); a refund is one Stripe Refund on the payment intent of a charge. Their final state
-- comes from the verified webhook events, stored once per event id and processed by the worker.

CREATE TABLE payments (
    id                        BINARY(16)    NOT NULL PRIMARY KEY,
    reservation_id            BINARY(16)    NOT NULL,
    change_id                 BINARY(16)    NULL,
    kind                      VARCHAR(8)    NOT NULL,
    status                    VARCHAR(16)   NOT NULL,
    amount_minor              BIGINT        NOT NULL,
    currency                  CHAR(3)       NOT NULL,
    -- A refund's request, as the reservations module queued it (its idempotency key at Stripe
    -- with the charge it is taken from).
    refund_request_id         BINARY(16)    NULL,
    refund_reason             VARCHAR(16)   NULL,
    -- The charge a refund is taken from.
    charge_payment_id         BINARY(16)    NULL,
    stripe_session_id         VARCHAR(255)  NULL,
    stripe_session_url        VARCHAR(2048) NULL,
    session_expires_at        DATETIME(6)   NULL,
    stripe_payment_intent_id  VARCHAR(255)  NULL,
    stripe_refund_id          VARCHAR(255)  NULL,
    -- What Stripe reported when it did not match what we asked (recorded, never confirmed).
    reported_amount_minor     BIGINT        NULL,
    reported_currency         CHAR(3)       NULL,
    failure                   VARCHAR(300)  NULL,
    created_at                DATETIME(6)   NOT NULL,
    updated_at                DATETIME(6)   NOT NULL,
    UNIQUE KEY payments_session_uq (stripe_session_id),
    UNIQUE KEY payments_refund_uq (stripe_refund_id),
    UNIQUE KEY payments_refund_part_uq (refund_request_id, charge_payment_id),
    KEY payments_reservation_idx (reservation_id, created_at),
    KEY payments_intent_idx (stripe_payment_intent_id),
    CONSTRAINT payments_kind_ck CHECK (kind IN ('charge', 'refund')),
    CONSTRAINT payments_status_ck CHECK (status IN ('open', 'succeeded', 'expired', 'failed', 'mismatch', 'pending', 'canceled')),
    CONSTRAINT payments_amount_ck CHECK (amount_minor > 0),
    CONSTRAINT payments_refund_ck CHECK ((kind = 'refund') = (refund_request_id IS NOT NULL AND charge_payment_id IS NOT NULL)),
    CONSTRAINT payments_charge_fk FOREIGN KEY (charge_payment_id) REFERENCES payments (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Every verified webhook event, once (duplicates are answered 200 and ignored). The payload is
-- kept until processed + 30 days (the worker's retention purge empties it; the index serves it).
CREATE TABLE stripe_events (
    event_id      VARCHAR(255) NOT NULL PRIMARY KEY,
    event_type    VARCHAR(100) NOT NULL,
    livemode      BOOLEAN      NOT NULL,
    received_at   DATETIME(6)  NOT NULL,
    processed_at  DATETIME(6)  NULL,
    outcome       VARCHAR(300) NULL,
    -- The raw body and its Stripe-Signature header: the worker verifies the event again before
    -- acting on it (a row written by anything but the endpoint does nothing).
    payload       LONGTEXT     NULL,
    signature     VARCHAR(1000) NULL,
    KEY stripe_events_processed_idx (processed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
