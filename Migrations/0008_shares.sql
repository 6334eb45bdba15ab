-- Sharing an opportunity with other users (by email) or as a public read-only link.
CREATE TABLE opportunity_shares (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    opportunity_id uuid        NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    owner_id       uuid        NOT NULL REFERENCES users (id),
    -- A user share names its recipient; a public link has a token (stored as its SHA-256) instead.
    recipient_id   uuid REFERENCES users (id),
    token_hash     text UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    note           text CHECK (char_length(note) <= 500),
    expires_at     timestamptz,
    revoked_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((recipient_id IS NULL) <> (token_hash IS NULL)),
    CHECK (recipient_id IS NULL OR recipient_id <> owner_id)
);
CREATE INDEX opportunity_shares_owner_idx ON opportunity_shares (owner_id, created_at DESC, id DESC);
CREATE INDEX opportunity_shares_recipient_idx ON opportunity_shares (recipient_id, created_at DESC, id DESC)
    WHERE recipient_id IS NOT NULL;
-- One live share per recipient and opportunity: sharing again refreshes it.
CREATE UNIQUE INDEX opportunity_shares_recipient_key ON opportunity_shares (opportunity_id, owner_id, recipient_id)
    WHERE recipient_id IS NOT NULL AND revoked_at IS NULL;
