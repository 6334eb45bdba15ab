-- The record of applied migrations. The migrator creates nothing itself: this file is migration 1.
CREATE TABLE schema_migrations (
    version      integer PRIMARY KEY,
    name         text        NOT NULL,
    checksum     text        NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    execution_ms integer     NOT NULL DEFAULT 0,
    applied_at   timestamptz NOT NULL DEFAULT now()
);
