-- Identity: accounts, refresh-token sessions, personal API tokens and the append-only audit log.
-- Secrets are never stored: refresh and API tokens as SHA-256 hex, passwords as argon2id PHC strings.

CREATE TABLE users (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- As entered (trimmed), for display; sign-in and uniqueness use email_normalized.
    email                text        NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    -- NFKC + lower-cased + trimmed.
    email_normalized     text        NOT NULL CHECK (char_length(email_normalized) BETWEEN 3 AND 254),
    display_name         text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
    password_hash        text        NOT NULL CHECK (char_length(password_hash) BETWEEN 1 AND 512),
    role                 text        NOT NULL CHECK (role IN ('admin', 'user', 'viewer')),
    status               text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled', 'deleted')),
    -- Consecutive failed sign-ins since the last success or lock (account-level lockout backstop).
    failed_login_count   integer     NOT NULL DEFAULT 0 CHECK (failed_login_count >= 0),
    locked_until         timestamptz,
    password_changed_at  timestamptz NOT NULL DEFAULT now(),
    -- Access tokens issued (iat) before this instant are refused: "log out everywhere", password change, disable.
    sessions_valid_after timestamptz,
    last_login_at        timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    deleted_at           timestamptz,
    CHECK ((status = 'deleted') = (deleted_at IS NOT NULL))
);
-- One live account per address; a deleted account frees its address (its row stays for the audit trail).
CREATE UNIQUE INDEX users_email_normalized_live_key ON users (email_normalized) WHERE status <> 'deleted';
CREATE INDEX users_created_at_idx ON users (created_at, id);
CREATE INDEX users_active_admins_idx ON users (id) WHERE role = 'admin' AND status = 'active';

-- Refresh tokens: single use. A login starts a family; each refresh marks its token used and issues the
-- next one in the same family. Presenting a used token again revokes the whole family (theft signal).
CREATE TABLE refresh_tokens (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id            uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id          uuid        NOT NULL,
    token_hash         text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    -- When the family's login happened: caps the family's total lifetime.
    session_started_at timestamptz NOT NULL,
    issued_at          timestamptz NOT NULL,
    expires_at         timestamptz NOT NULL,
    used_at            timestamptz,
    revoked_at         timestamptz,
    revoked_reason     text CHECK (revoked_reason IN
        ('logout', 'logout_all', 'reuse_detected', 'password_changed', 'user_disabled', 'user_deleted')),
    user_agent         text CHECK (char_length(user_agent) <= 512),
    ip                 text CHECK (char_length(ip) <= 64),
    CHECK (expires_at > issued_at),
    CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

-- Personal API tokens (`mps_…`). Effective scopes are `scopes` ∩ what the owner's current role allows.
CREATE TABLE api_tokens (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    token_hash     text        NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    display_prefix text        NOT NULL CHECK (display_prefix ~ '^mps_[0-9A-Za-z]{8}$'),
    scopes         text[]      NOT NULL CHECK (
        cardinality(scopes) >= 1
        AND scopes <@ ARRAY['read:public', 'read:bets', 'write:bets', 'read:bankrolls', 'write:bankrolls',
                            'read:analytics', 'write:settings', 'admin']::text[]),
    expires_at     timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    last_used_at   timestamptz,
    last_used_ip   text CHECK (char_length(last_used_ip) <= 64),
    CHECK (expires_at > created_at)
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC, id DESC);

-- Security-relevant events. Append-only: the triggers below refuse UPDATE, DELETE and TRUNCATE.
-- actor_user_id has no foreign key on purpose: a later purge of a user must not need to rewrite history.
CREATE TABLE audit_log (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    actor_user_id uuid,
    action        text        NOT NULL CHECK (action ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)+$' AND char_length(action) <= 64),
    target_type   text CHECK (char_length(target_type) <= 32),
    target_id     text CHECK (char_length(target_id) <= 64),
    ip            text CHECK (char_length(ip) <= 64),
    request_id    text CHECK (char_length(request_id) <= 128),
    user_agent    text CHECK (char_length(user_agent) <= 512),
    details       jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object')
);
CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Statement-level, so even an UPDATE or DELETE that matches no row is refused.
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
