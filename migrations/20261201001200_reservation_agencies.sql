-- What the offer search keeps in memory of each pickup agency's reservations, and how it knows
-- when to read them again (ycyw-reservations, `occupancy.rs`, docs/reservations.md).
--
-- `reservation_spans` becomes `reservation_agencies`: per pickup agency, the longest rental ever
-- written there (as before: the lower bound of the pickups that can overlap a window) and a
-- revision that moves with every write that can change which vehicles are taken there — a
-- reservation or a pending change inserted, deleted, or updated in its agency, times, category,
-- vehicle, status or hold. Both are kept by the triggers below, in the writing transaction, so no
-- write path (the module's, the bulk load's, an operator's SQL) can forget them: a reader that
-- read revision r and then the agency's rows has rows at least as new as r, and knows them stale
-- as soon as it reads a revision other than r.
--
-- An update that moves a reservation from one agency to another moves both revisions, the lower
-- agency id first, so two such moves in opposite directions take the two rows in one order.

RENAME TABLE reservation_spans TO reservation_agencies;

ALTER TABLE reservation_agencies ADD COLUMN revision BIGINT UNSIGNED NOT NULL DEFAULT 1;

INSERT INTO reservation_agencies (agency_id, longest_seconds, revision)
SELECT DISTINCT c.pickup_agency_id, 0, 1 FROM reservation_changes c
ON DUPLICATE KEY UPDATE revision = revision;

CREATE TRIGGER reservations_agency_insert AFTER INSERT ON reservations FOR EACH ROW
    INSERT INTO reservation_agencies (agency_id, longest_seconds, revision)
    VALUES (NEW.pickup_agency_id, GREATEST(TIMESTAMPDIFF(SECOND, NEW.pickup_at, NEW.return_at), 0), 1)
    ON DUPLICATE KEY UPDATE
        revision = revision + 1,
        longest_seconds = GREATEST(longest_seconds, TIMESTAMPDIFF(SECOND, NEW.pickup_at, NEW.return_at));

CREATE TRIGGER reservations_agency_update AFTER UPDATE ON reservations FOR EACH ROW
BEGIN
    IF NOT (OLD.pickup_agency_id <=> NEW.pickup_agency_id AND OLD.pickup_at <=> NEW.pickup_at
            AND OLD.return_at <=> NEW.return_at AND OLD.status <=> NEW.status
            AND OLD.hold_expires_at <=> NEW.hold_expires_at AND OLD.category_code <=> NEW.category_code
            AND OLD.vehicle_id <=> NEW.vehicle_id) THEN
        IF OLD.pickup_agency_id < NEW.pickup_agency_id THEN
            UPDATE reservation_agencies SET revision = revision + 1 WHERE agency_id = OLD.pickup_agency_id;
        END IF;
        INSERT INTO reservation_agencies (agency_id, longest_seconds, revision)
        VALUES (NEW.pickup_agency_id, GREATEST(TIMESTAMPDIFF(SECOND, NEW.pickup_at, NEW.return_at), 0), 1)
        ON DUPLICATE KEY UPDATE
            revision = revision + 1,
            longest_seconds = GREATEST(longest_seconds, TIMESTAMPDIFF(SECOND, NEW.pickup_at, NEW.return_at));
        IF OLD.pickup_agency_id > NEW.pickup_agency_id THEN
            UPDATE reservation_agencies SET revision = revision + 1 WHERE agency_id = OLD.pickup_agency_id;
        END IF;
    END IF;
END;

CREATE TRIGGER reservations_agency_delete AFTER DELETE ON reservations FOR EACH ROW
    UPDATE reservation_agencies SET revision = revision + 1 WHERE agency_id = OLD.pickup_agency_id;

CREATE TRIGGER reservation_changes_agency_insert AFTER INSERT ON reservation_changes FOR EACH ROW
    INSERT INTO reservation_agencies (agency_id, longest_seconds, revision)
    VALUES (NEW.pickup_agency_id, 0, 1)
    ON DUPLICATE KEY UPDATE revision = revision + 1;

CREATE TRIGGER reservation_changes_agency_update AFTER UPDATE ON reservation_changes FOR EACH ROW
BEGIN
    IF NOT (OLD.pickup_agency_id <=> NEW.pickup_agency_id AND OLD.pickup_at <=> NEW.pickup_at
            AND OLD.return_at <=> NEW.return_at AND OLD.status <=> NEW.status
            AND OLD.hold_expires_at <=> NEW.hold_expires_at AND OLD.category_code <=> NEW.category_code
            AND OLD.vehicle_id <=> NEW.vehicle_id) THEN
        IF OLD.pickup_agency_id <> NEW.pickup_agency_id THEN
            UPDATE reservation_agencies SET revision = revision + 1 WHERE agency_id = OLD.pickup_agency_id;
        END IF;
        INSERT INTO reservation_agencies (agency_id, longest_seconds, revision)
        VALUES (NEW.pickup_agency_id, 0, 1)
        ON DUPLICATE KEY UPDATE revision = revision + 1;
    END IF;
END;

CREATE TRIGGER reservation_changes_agency_delete AFTER DELETE ON reservation_changes FOR EACH ROW
    UPDATE reservation_agencies SET revision = revision + 1 WHERE agency_id = OLD.pickup_agency_id;
