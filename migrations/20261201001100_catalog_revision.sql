-- The catalog's revision: one counter that every write to the catalog's tables (agencies and
-- their opening hours, vehicle categories, vehicles, rates) increments in its own transaction.
-- Readers that keep catalog rows in memory (the offer search's read cache) read it first and
-- drop what they kept when it has moved, so a search never uses rows older than the last write
-- committed before it began, in any process.
CREATE TABLE catalog_revision (
    id       TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    revision BIGINT UNSIGNED  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO catalog_revision (id, revision) VALUES (1, 1);
