-- Catalog (DESIGN §4): agencies and their opening hours, ACRISS vehicle categories, the fleet and
-- the rates. Owned by ycyw-catalog alone; no foreign key to another module's tables.

-- An agency prices in its market's currency, enforced here as well as in the service.
CREATE TABLE agencies (
    id             BINARY(16)    NOT NULL PRIMARY KEY,
    code           VARCHAR(12)   NOT NULL,
    name           VARCHAR(120)  NOT NULL,
    address_line1  VARCHAR(200)  NOT NULL,
    address_line2  VARCHAR(200)  NULL,
    postal_code    VARCHAR(16)   NOT NULL,
    city           VARCHAR(100)  NOT NULL,
    country_code   CHAR(2)       NOT NULL,
    time_zone      VARCHAR(64)   NOT NULL,
    currency       CHAR(3)       NOT NULL,
    phone          VARCHAR(20)   NOT NULL,
    email          VARCHAR(254)  NOT NULL,
    active         BOOLEAN       NOT NULL DEFAULT TRUE,
    created_at     DATETIME(6)   NOT NULL,
    updated_at     DATETIME(6)   NOT NULL,
    CONSTRAINT agencies_country_ck CHECK (country_code IN ('FR', 'DE', 'ES', 'IT', 'GB', 'CA', 'US')),
    CONSTRAINT agencies_currency_ck CHECK (
        (country_code IN ('FR', 'DE', 'ES', 'IT') AND currency = 'EUR')
        OR (country_code = 'GB' AND currency = 'GBP')
        OR (country_code = 'CA' AND currency = 'CAD')
        OR (country_code = 'US' AND currency = 'USD')),
    UNIQUE KEY agencies_code_uq (code),
    -- Target of the rates' (agency, currency) foreign key: a rate is always in its agency's currency.
    UNIQUE KEY agencies_id_currency_uq (id, currency),
    KEY agencies_city_idx (city, code),
    KEY agencies_country_idx (country_code, code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Weekly opening periods in the agency's local time, in minutes since midnight (1440 = 24:00).
CREATE TABLE agency_opening_hours (
    agency_id      BINARY(16)        NOT NULL,
    weekday        TINYINT UNSIGNED  NOT NULL,
    opens_minute   SMALLINT UNSIGNED NOT NULL,
    closes_minute  SMALLINT UNSIGNED NOT NULL,
    PRIMARY KEY (agency_id, weekday, opens_minute),
    CONSTRAINT agency_opening_hours_agency_fk FOREIGN KEY (agency_id) REFERENCES agencies (id) ON DELETE CASCADE,
    CONSTRAINT agency_opening_hours_weekday_ck CHECK (weekday BETWEEN 1 AND 7),
    CONSTRAINT agency_opening_hours_span_ck CHECK (opens_minute < closes_minute AND closes_minute <= 1440)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Reference data: the ACRISS code and what its letters mean (decoded by ycyw_catalog::acriss; a
-- test checks these columns agree with it), with capacity and a description.
CREATE TABLE vehicle_categories (
    code          CHAR(4)           NOT NULL PRIMARY KEY,
    category      VARCHAR(40)       NOT NULL,
    vehicle_type  VARCHAR(60)       NOT NULL,
    transmission  VARCHAR(40)       NOT NULL,
    fuel_air      VARCHAR(80)       NOT NULL,
    seats         TINYINT UNSIGNED  NOT NULL,
    doors         TINYINT UNSIGNED  NOT NULL,
    bags          TINYINT UNSIGNED  NOT NULL,
    description   VARCHAR(300)      NOT NULL,
    CONSTRAINT vehicle_categories_code_ck CHECK (CHAR_LENGTH(code) = 4),
    CONSTRAINT vehicle_categories_capacity_ck CHECK (seats BETWEEN 1 AND 60 AND doors <= 10 AND bags <= 30)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The fleet. Vehicles are never deleted (reservations refer to them): DELETE deactivates.
CREATE TABLE vehicles (
    id             BINARY(16)   NOT NULL PRIMARY KEY,
    agency_id      BINARY(16)   NOT NULL,
    category_code  CHAR(4)      NOT NULL,
    plate          VARCHAR(16)  NOT NULL,
    model          VARCHAR(200) NOT NULL,
    active         BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at     DATETIME(6)  NOT NULL,
    updated_at     DATETIME(6)  NOT NULL,
    UNIQUE KEY vehicles_plate_uq (plate),
    KEY vehicles_agency_plate_idx (agency_id, plate),
    KEY vehicles_agency_category_idx (agency_id, category_code, active),
    CONSTRAINT vehicles_agency_fk FOREIGN KEY (agency_id) REFERENCES agencies (id),
    CONSTRAINT vehicles_category_fk FOREIGN KEY (category_code) REFERENCES vehicle_categories (code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Daily rate and one-way fee per agency and category, in the agency's currency, valid between two
-- agency-local dates (both included; no end = open-ended). The service keeps periods of one
-- category from overlapping.
CREATE TABLE rates (
    id                 BINARY(16)  NOT NULL PRIMARY KEY,
    agency_id          BINARY(16)  NOT NULL,
    category_code      CHAR(4)     NOT NULL,
    currency           CHAR(3)     NOT NULL,
    daily_minor        BIGINT      NOT NULL,
    one_way_fee_minor  BIGINT      NOT NULL,
    valid_from         DATE        NOT NULL,
    valid_to           DATE        NULL,
    created_at         DATETIME(6) NOT NULL,
    UNIQUE KEY rates_period_uq (agency_id, category_code, valid_from),
    KEY rates_category_idx (category_code),
    CONSTRAINT rates_agency_currency_fk FOREIGN KEY (agency_id, currency) REFERENCES agencies (id, currency),
    CONSTRAINT rates_category_fk FOREIGN KEY (category_code) REFERENCES vehicle_categories (code),
    CONSTRAINT rates_daily_ck CHECK (daily_minor > 0),
    CONSTRAINT rates_one_way_fee_ck CHECK (one_way_fee_minor >= 0),
    CONSTRAINT rates_validity_ck CHECK (valid_to IS NULL OR valid_to >= valid_from)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The categories offered (ycyw_catalog::seed::REFERENCE_CATEGORIES).
INSERT INTO vehicle_categories (code, category, vehicle_type, transmission, fuel_air, seats, doors, bags, description) VALUES
    ('MBMR', 'Mini', '2-3 door', 'Manual', 'Unspecified fuel, air conditioning', 4, 3, 1, 'Fiat 500 or similar'),
    ('MDMR', 'Mini', '4-5 door', 'Manual', 'Unspecified fuel, air conditioning', 4, 5, 1, 'Toyota Aygo X or similar'),
    ('ECMR', 'Economy', '2/4 door', 'Manual', 'Unspecified fuel, air conditioning', 5, 4, 2, 'Renault Clio or similar'),
    ('EDMR', 'Economy', '4-5 door', 'Manual', 'Unspecified fuel, air conditioning', 5, 5, 2, 'Volkswagen Polo or similar'),
    ('EDAR', 'Economy', '4-5 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 2, 'Peugeot 208 automatic or similar'),
    ('EDAE', 'Economy', '4-5 door', 'Automatic', 'Electric (range < 250 mi/400 km), air conditioning', 5, 5, 2, 'Renault Zoe or similar, electric'),
    ('ECAR', 'Economy', '2/4 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 4, 2, 'Mitsubishi Mirage or similar'),
    ('CDMR', 'Compact', '4-5 door', 'Manual', 'Unspecified fuel, air conditioning', 5, 5, 2, 'Peugeot 308 or similar'),
    ('CDAR', 'Compact', '4-5 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 3, 'Volkswagen Golf automatic or similar'),
    ('CWMR', 'Compact', 'Wagon/estate', 'Manual', 'Unspecified fuel, air conditioning', 5, 5, 4, 'Peugeot 308 SW or similar'),
    ('CFMR', 'Compact', 'SUV', 'Manual', 'Unspecified fuel, air conditioning', 5, 5, 3, 'Peugeot 2008 or similar'),
    ('CCAR', 'Compact', '2/4 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 4, 2, 'Nissan Versa or similar'),
    ('IDMR', 'Intermediate', '4-5 door', 'Manual', 'Unspecified fuel, air conditioning', 5, 5, 3, 'Skoda Octavia or similar'),
    ('IDAR', 'Intermediate', '4-5 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 3, 'Toyota Corolla or similar'),
    ('IDAH', 'Intermediate', '4-5 door', 'Automatic', 'Hybrid, air conditioning', 5, 5, 3, 'Toyota Corolla Hybrid or similar'),
    ('IDAC', 'Intermediate', '4-5 door', 'Automatic', 'Electric Plus (range ≥ 250 mi/400 km), air conditioning', 5, 5, 3, 'Tesla Model 3 Long Range or similar, electric'),
    ('IWAR', 'Intermediate', 'Wagon/estate', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 4, 'Skoda Octavia Combi automatic or similar'),
    ('IFAR', 'Intermediate', 'SUV', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 3, 'Toyota RAV4 or similar'),
    ('ICAR', 'Intermediate', '2/4 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 4, 3, 'Toyota Corolla or similar'),
    ('SDAR', 'Standard', '4-5 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 4, 'Volkswagen Passat or similar'),
    ('SCAR', 'Standard', '2/4 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 4, 3, 'Volkswagen Jetta or similar'),
    ('SFAR', 'Standard', 'SUV', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 4, 'Volkswagen Tiguan or similar'),
    ('STAR', 'Standard', 'Convertible', 'Automatic', 'Unspecified fuel, air conditioning', 4, 2, 2, 'Ford Mustang Convertible or similar'),
    ('FDAR', 'Fullsize', '4-5 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 4, 'Skoda Superb or similar'),
    ('FCAR', 'Fullsize', '2/4 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 4, 4, 'Toyota Camry or similar'),
    ('FFAR', 'Fullsize', 'SUV', 'Automatic', 'Unspecified fuel, air conditioning', 7, 5, 5, 'Chevrolet Tahoe or similar'),
    ('FVMR', 'Fullsize', 'Passenger van', 'Manual', 'Unspecified fuel, air conditioning', 9, 4, 6, 'Renault Trafic 9 seats or similar'),
    ('FVAR', 'Fullsize', 'Passenger van', 'Automatic', 'Unspecified fuel, air conditioning', 9, 4, 6, 'Ford Transit Custom 9 seats automatic or similar'),
    ('MVAR', 'Mini', 'Passenger van', 'Automatic', 'Unspecified fuel, air conditioning', 7, 4, 4, 'Chrysler Pacifica or similar'),
    ('PDAR', 'Premium', '4-5 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 4, 'BMW 5 Series or similar'),
    ('PCAR', 'Premium', '2/4 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 4, 4, 'Chrysler 300 or similar'),
    ('PFAR', 'Premium', 'SUV', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 4, 'BMW X3 or similar'),
    ('PVAR', 'Premium', 'Passenger van', 'Automatic', 'Unspecified fuel, air conditioning', 7, 4, 6, 'Mercedes-Benz V-Class or similar'),
    ('LDAR', 'Luxury', '4-5 door', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 4, 'Mercedes-Benz S-Class or similar'),
    ('LFAR', 'Luxury', 'SUV', 'Automatic', 'Unspecified fuel, air conditioning', 5, 5, 4, 'Range Rover Sport or similar');
