-- Accounts, sessions and single-use tokens (module auth; DESIGN §4).
-- Personal fields are NULL-able: erasing an account anonymises the row in place (it stays for
-- the foreign keys of bookings kept for accounting), with every personal field set to NULL.
CREATE TABLE users (
    id                 BINARY(16)    NOT NULL PRIMARY KEY,
    email              VARCHAR(254)  NULL,
    password_hash      VARCHAR(255)  NULL,
    role               VARCHAR(16)   NOT NULL,
    agency_id          BINARY(16)    NULL,
    first_name         VARCHAR(100)  NULL,
    last_name          VARCHAR(100)  NULL,
    birth_date         DATE          NULL,
    address_line1      VARCHAR(200)  NULL,
    address_line2      VARCHAR(200)  NULL,
    postal_code        VARCHAR(20)   NULL,
    city               VARCHAR(100)  NULL,
    country_code       CHAR(2)       NULL,
    phone              VARCHAR(20)   NULL,
    locale             CHAR(2)       NOT NULL DEFAULT 'en',
    email_verified_at  DATETIME(6)   NULL,
    failed_logins      INT UNSIGNED  NOT NULL DEFAULT 0,
    locked_until       DATETIME(6)   NULL,
    terms_accepted_at  DATETIME(6)   NULL,
    last_login_at      DATETIME(6)   NULL,
    anonymized_at      DATETIME(6)   NULL,
    created_at         DATETIME(6)   NOT NULL,
    updated_at         DATETIME(6)   NOT NULL,
    CONSTRAINT users_role_ck CHECK (role IN ('client', 'support', 'agent')),
    CONSTRAINT users_agent_agency_ck CHECK (role <> 'agent' OR agency_id IS NOT NULL),
    CONSTRAINT users_locale_ck CHECK (locale IN ('en', 'fr')),
    CONSTRAINT users_email_lower_ck CHECK (CAST(email AS BINARY) = CAST(LOWER(email) AS BINARY)),
    CONSTRAINT users_anonymized_ck CHECK (anonymized_at IS NULL OR email IS NULL),
    UNIQUE KEY users_email_uq (email),
    KEY users_agency_idx (agency_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Refresh tokens, stored as SHA-256 hashes. A family starts at login and lives 30 days; each
-- refresh replaces the token by a new one of the same family; presenting a replaced or revoked
-- token revokes the whole family.
CREATE TABLE refresh_tokens (
    id                 BINARY(16)   NOT NULL PRIMARY KEY,
    user_id            BINARY(16)   NOT NULL,
    family_id          BINARY(16)   NOT NULL,
    token_hash         BINARY(32)   NOT NULL,
    issued_at          DATETIME(6)  NOT NULL,
    expires_at         DATETIME(6)  NOT NULL,
    revoked_at         DATETIME(6)  NULL,
    replaced_by        BINARY(16)   NULL,
    CONSTRAINT refresh_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    UNIQUE KEY refresh_tokens_hash_uq (token_hash),
    KEY refresh_tokens_family_idx (family_id),
    KEY refresh_tokens_user_idx (user_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Single-use tokens sent by email (address verification 24 h, password reset 1 h, staff
-- invitation 7 days), stored as SHA-256 hashes.
CREATE TABLE one_time_tokens (
    id          BINARY(16)   NOT NULL PRIMARY KEY,
    user_id     BINARY(16)   NOT NULL,
    purpose     VARCHAR(32)  NOT NULL,
    token_hash  BINARY(32)   NOT NULL,
    expires_at  DATETIME(6)  NOT NULL,
    used_at     DATETIME(6)  NULL,
    created_at  DATETIME(6)  NOT NULL,
    CONSTRAINT one_time_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT one_time_tokens_purpose_ck CHECK (purpose IN ('verify_email', 'password_reset', 'staff_invite')),
    UNIQUE KEY one_time_tokens_hash_uq (token_hash),
    KEY one_time_tokens_user_idx (user_id, purpose)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
