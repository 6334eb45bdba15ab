-- Mail (issue #17): one-time account tokens for password reset and email verification, the verified flag, and the
-- platform switch for verification at registration.

-- Every account that exists now (demo users included) counts as verified; new rows too unless registration with
-- verification on clears it in the same transaction (so admin-created accounts and the CLI's are verified).
ALTER TABLE users ADD COLUMN email_verified_at timestamptz DEFAULT now();
UPDATE users SET email_verified_at = created_at;

-- NULL: as MONPS_EMAIL_VERIFICATION says.
ALTER TABLE platform_settings ADD COLUMN email_verification boolean;

-- A token mailed to the account's address. Only its SHA-256 is stored; it works once, until expires_at, and not after
-- a newer token of the same purpose was issued (invalidated_at).
CREATE TABLE account_tokens (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose        text        NOT NULL CHECK (purpose IN ('password_reset', 'email_verification')),
    token_hash     text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz,
    invalidated_at timestamptz,
    CHECK (expires_at > created_at),
    CHECK (used_at IS NULL OR invalidated_at IS NULL)
);
CREATE INDEX account_tokens_live_idx ON account_tokens (user_id, purpose) WHERE used_at IS NULL AND invalidated_at IS NULL;
CREATE INDEX account_tokens_expires_idx ON account_tokens (expires_at);
