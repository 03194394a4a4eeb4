-- The longest rental written at each pickup agency, in seconds. A reservation overlapping a
-- window was picked up less than its own length before the window's start, so the search's
-- availability query reads, per agency, only the pickups of the last `longest_seconds` before
-- the window (one range of reservations_availability_idx each) instead of those of the last
-- 90 days (the product's longest rental). Written in the transaction that writes the
-- reservation's slot (insert, modification); only ever grows, so a value read is never too short
-- for what was committed before it.
CREATE TABLE reservation_spans (
    agency_id       BINARY(16)   NOT NULL PRIMARY KEY,
    longest_seconds INT UNSIGNED NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO reservation_spans (agency_id, longest_seconds)
SELECT pickup_agency_id, MAX(GREATEST(TIMESTAMPDIFF(SECOND, pickup_at, return_at), 0))
FROM reservations
GROUP BY pickup_agency_id;
