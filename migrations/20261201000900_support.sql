-- Support (DESIGN §4, §6, §8): the contact form, conversations between a client and support, their
-- messages (each with its place in the conversation, `seq`, so that a reconnecting client replays
-- exactly what it missed), video calls, and the one-time WebSocket tickets when no Redis holds them.
-- Users are the auth module's: referenced by id, without a foreign key across modules.

CREATE TABLE contact_requests (
    id                     BINARY(16)    NOT NULL,
    name                   VARCHAR(100)  NOT NULL,
    email                  VARCHAR(254)  NOT NULL,
    subject                VARCHAR(200)  NOT NULL,
    message                TEXT          NOT NULL,
    reservation_reference  CHAR(10)      NULL,
    locale                 CHAR(2)       NOT NULL,
    created_at             DATETIME(6)   NOT NULL,
    handled_at             DATETIME(6)   NULL,
    handled_by             BINARY(16)    NULL,
    PRIMARY KEY (id),
    -- support's lists (newest first, optionally only the unhandled) and the retention purge
    KEY contact_requests_list_idx (handled_at, created_at, id),
    KEY contact_requests_created_idx (created_at, id),
    CONSTRAINT contact_requests_locale_ck CHECK (locale IN ('en', 'fr')),
    CONSTRAINT contact_requests_handled_ck CHECK ((handled_at IS NULL) = (handled_by IS NULL))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE conversations (
    id              BINARY(16)    NOT NULL,
    client_id       BINARY(16)    NULL,       -- NULL once the client's account is deleted
    assignee_id     BINARY(16)    NULL,
    status          VARCHAR(10)   NOT NULL,
    subject         VARCHAR(200)  NOT NULL,
    reservation_id  BINARY(16)    NULL,
    last_seq        INT UNSIGNED  NOT NULL DEFAULT 0,
    created_at      DATETIME(6)   NOT NULL,
    updated_at      DATETIME(6)   NOT NULL,
    closed_at       DATETIME(6)   NULL,
    PRIMARY KEY (id),
    KEY conversations_client_idx (client_id, updated_at, id),
    KEY conversations_queue_idx (status, updated_at, id),
    KEY conversations_closed_idx (closed_at),
    CONSTRAINT conversations_status_ck CHECK (status IN ('open', 'assigned', 'closed')),
    CONSTRAINT conversations_assignee_ck CHECK (status <> 'assigned' OR assignee_id IS NOT NULL),
    CONSTRAINT conversations_closed_ck CHECK ((status = 'closed') = (closed_at IS NOT NULL))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE messages (
    id               BINARY(16)    NOT NULL,
    conversation_id  BINARY(16)    NOT NULL,
    seq              INT UNSIGNED  NOT NULL,
    kind             VARCHAR(20)   NOT NULL,   -- text, call_started, call_ended, closed
    sender_id        BINARY(16)    NULL,       -- NULL for system messages and erased senders
    body             TEXT          NULL,       -- NULL once erased (retention, account deletion)
    client_msg_id    VARCHAR(64)   NULL,
    created_at       DATETIME(6)   NOT NULL,
    delivered_at     DATETIME(6)   NULL,
    read_at          DATETIME(6)   NULL,
    erased_at        DATETIME(6)   NULL,
    PRIMARY KEY (id),
    UNIQUE KEY messages_seq_uq (conversation_id, seq),
    -- a resend with the same clientMsgId stores nothing new
    UNIQUE KEY messages_client_msg_uq (conversation_id, sender_id, client_msg_id),
    KEY messages_sender_idx (sender_id),
    CONSTRAINT messages_conversation_fk FOREIGN KEY (conversation_id) REFERENCES conversations (id),
    CONSTRAINT messages_kind_ck CHECK (kind IN ('text', 'call_started', 'call_ended', 'closed')),
    CONSTRAINT messages_body_ck CHECK (kind <> 'text' OR body IS NOT NULL OR erased_at IS NOT NULL)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE calls (
    id               BINARY(16)    NOT NULL,
    conversation_id  BINARY(16)    NOT NULL,
    started_by       BINARY(16)    NULL,
    started_at       DATETIME(6)   NOT NULL,
    ended_at         DATETIME(6)   NULL,
    ended_by         BINARY(16)    NULL,
    PRIMARY KEY (id),
    KEY calls_conversation_idx (conversation_id, ended_at),
    CONSTRAINT calls_conversation_fk FOREIGN KEY (conversation_id) REFERENCES conversations (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE ws_tickets (
    ticket_hash  BINARY(32)   NOT NULL,
    user_id      BINARY(16)   NOT NULL,
    role         VARCHAR(10)  NOT NULL,
    expires_at   DATETIME(6)  NOT NULL,
    PRIMARY KEY (ticket_hash),
    KEY ws_tickets_expires_idx (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
