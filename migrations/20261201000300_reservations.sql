-- Reservations (DESIGN §4, §5). Owned by ycyw-reservations alone: vehicles, categories, agencies
-- and users are other modules' rows, referred to by id without foreign keys.
--
-- No overbooking: a booking (or a modification) takes the lock row of its agency × category in
-- `reservation_locks`, then reads which vehicles are taken in its window, then inserts, all in
-- one transaction; a vehicle is taken by a reservation in `pending_payment` (hold not expired),
-- `confirmed` or `picked_up`, or by a pending paid change, overlapping the window.

CREATE TABLE reservations (
    id                   BINARY(16)        NOT NULL PRIMARY KEY,
    reference            CHAR(10)          NOT NULL,
    user_id              BINARY(16)        NOT NULL,
    vehicle_id           BINARY(16)        NOT NULL,
    category_code        CHAR(4)           NOT NULL,
    pickup_agency_id     BINARY(16)        NOT NULL,
    return_agency_id     BINARY(16)        NOT NULL,
    pickup_at            DATETIME(6)       NOT NULL,
    return_at            DATETIME(6)       NOT NULL,
    status               VARCHAR(16)       NOT NULL,
    days                 SMALLINT UNSIGNED NOT NULL,
    daily_rate_minor     BIGINT            NOT NULL,
    one_way_fee_minor    BIGINT            NOT NULL,
    price_minor          BIGINT            NOT NULL,
    currency             CHAR(3)           NOT NULL,
    -- What the customer paid, and what was (or is being) refunded of it.
    paid_minor           BIGINT            NOT NULL DEFAULT 0,
    refunded_minor       BIGINT            NOT NULL DEFAULT 0,
    -- The driver as they were when booking (the account holder); anonymised with the account.
    driver_first_name    VARCHAR(100)      NOT NULL,
    driver_last_name     VARCHAR(100)      NOT NULL,
    driver_birth_date    DATE              NULL,
    hold_expires_at      DATETIME(6)       NULL,
    cancelled_at         DATETIME(6)       NULL,
    refund_percent       TINYINT UNSIGNED  NULL,
    reminder_sent_at     DATETIME(6)       NULL,
    anonymized_at        DATETIME(6)       NULL,
    version              INT UNSIGNED      NOT NULL DEFAULT 1,
    created_at           DATETIME(6)       NOT NULL,
    updated_at           DATETIME(6)       NOT NULL,
    UNIQUE KEY reservations_reference_uq (reference),
    -- Availability: a range on pickup_at per agency, covering every column the check reads.
    KEY reservations_availability_idx (pickup_agency_id, pickup_at, return_at, status, hold_expires_at, category_code, vehicle_id),
    KEY reservations_vehicle_idx (vehicle_id, pickup_at),
    KEY reservations_user_idx (user_id, pickup_at),
    KEY reservations_return_idx (return_agency_id, return_at),
    KEY reservations_hold_idx (status, hold_expires_at),
    KEY reservations_status_pickup_idx (status, pickup_at),
    CONSTRAINT reservations_status_ck CHECK (status IN
        ('pending_payment', 'confirmed', 'cancelled', 'expired', 'picked_up', 'returned', 'no_show')),
    CONSTRAINT reservations_reference_ck CHECK (reference LIKE 'YCW-______'),
    CONSTRAINT reservations_times_ck CHECK (return_at > pickup_at),
    CONSTRAINT reservations_amounts_ck CHECK (days > 0 AND daily_rate_minor > 0 AND one_way_fee_minor >= 0 AND price_minor > 0),
    CONSTRAINT reservations_paid_ck CHECK (paid_minor >= 0 AND refunded_minor >= 0 AND refunded_minor <= paid_minor),
    CONSTRAINT reservations_hold_ck CHECK (status <> 'pending_payment' OR hold_expires_at IS NOT NULL),
    CONSTRAINT reservations_refund_percent_ck CHECK (refund_percent IS NULL OR refund_percent <= 100)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Every status a reservation went through, and who moved it there.
CREATE TABLE reservation_status_history (
    id              BINARY(16)   NOT NULL PRIMARY KEY,
    reservation_id  BINARY(16)   NOT NULL,
    status          VARCHAR(16)  NOT NULL,
    actor           VARCHAR(16)  NOT NULL,
    changed_at      DATETIME(6)  NOT NULL,
    KEY reservation_status_history_reservation_idx (reservation_id, changed_at),
    CONSTRAINT reservation_status_history_reservation_fk FOREIGN KEY (reservation_id) REFERENCES reservations (id),
    CONSTRAINT reservation_status_history_actor_ck CHECK (actor IN ('client', 'agent', 'support', 'system'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A modification that costs more than what was paid: its new slot (and vehicle) is held until
-- the difference is paid, then applied to the reservation; at most one pending per reservation.
CREATE TABLE reservation_changes (
    id                  BINARY(16)        NOT NULL PRIMARY KEY,
    reservation_id      BINARY(16)        NOT NULL,
    vehicle_id          BINARY(16)        NOT NULL,
    category_code       CHAR(4)           NOT NULL,
    pickup_agency_id    BINARY(16)        NOT NULL,
    return_agency_id    BINARY(16)        NOT NULL,
    pickup_at           DATETIME(6)       NOT NULL,
    return_at           DATETIME(6)       NOT NULL,
    days                SMALLINT UNSIGNED NOT NULL,
    daily_rate_minor    BIGINT            NOT NULL,
    one_way_fee_minor   BIGINT            NOT NULL,
    price_minor         BIGINT            NOT NULL,
    currency            CHAR(3)           NOT NULL,
    difference_minor    BIGINT            NOT NULL,
    status              VARCHAR(16)       NOT NULL,
    hold_expires_at     DATETIME(6)       NOT NULL,
    created_at          DATETIME(6)       NOT NULL,
    decided_at          DATETIME(6)       NULL,
    KEY reservation_changes_reservation_idx (reservation_id, status),
    KEY reservation_changes_availability_idx (status, pickup_agency_id, pickup_at, return_at, hold_expires_at, category_code, vehicle_id),
    KEY reservation_changes_hold_idx (status, hold_expires_at),
    CONSTRAINT reservation_changes_reservation_fk FOREIGN KEY (reservation_id) REFERENCES reservations (id),
    CONSTRAINT reservation_changes_status_ck CHECK (status IN ('pending', 'applied', 'expired', 'superseded', 'cancelled')),
    CONSTRAINT reservation_changes_times_ck CHECK (return_at > pickup_at),
    CONSTRAINT reservation_changes_amounts_ck CHECK (days > 0 AND price_minor > 0 AND difference_minor > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per agency × category, locked (SELECT … FOR UPDATE through an upsert) by whoever is
-- about to take one of its vehicles: bookings of the same cars queue here, across processes.
CREATE TABLE reservation_locks (
    agency_id      BINARY(16)  NOT NULL,
    category_code  CHAR(4)     NOT NULL,
    locked_at      DATETIME(6) NOT NULL,
    PRIMARY KEY (agency_id, category_code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
