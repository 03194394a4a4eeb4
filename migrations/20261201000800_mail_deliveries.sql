-- Mails handed to the SMTP server, by the id of their send_email job (module mail, DESIGN §7).
-- A job run again after a crash between the send and the job's completion finds its row and does
-- not send the mail twice. No address or content: the job's payload is erased once sent.
CREATE TABLE mail_deliveries (
    job_id   BINARY(16)  NOT NULL PRIMARY KEY,
    sent_at  DATETIME(6) NOT NULL,
    KEY mail_deliveries_sent_idx (sent_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
