-- Notifications: a per-user event log (kept 7 days), the user's webhooks and the delivery outbox.
--
-- An event and its deliveries are written in the transaction of the change that caused them (a settled bet,
-- a new opportunity…), so a notification exists exactly when its cause does. Delivery workers then move each
-- delivery from pending to delivered or dead; the live stream reads the event log itself.

CREATE TABLE notification_events (
    -- Increasing: the cursor of GET /v1/notifications and the resume point of the live stream.
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       text        NOT NULL CHECK (type IN ('opportunity.new', 'bet.kickoff_soon', 'bet.settled', 'bet.clv',
                                                    'backtest.finished', 'digest.daily', 'job.failed', 'quota.low')),
    -- What the event is about (a bet id, an opportunity id, a job run…): one event per user, type and subject,
    -- so a producer that runs twice records nothing new.
    subject    text        NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 200),
    payload    jsonb       NOT NULL CHECK (jsonb_typeof(payload) = 'object'),
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    UNIQUE (user_id, type, subject)
);
CREATE INDEX notification_events_user_idx ON notification_events (user_id, id DESC);
CREATE INDEX notification_events_unread_idx ON notification_events (user_id, id DESC) WHERE read_at IS NULL;
CREATE INDEX notification_events_created_idx ON notification_events (created_at);

-- A user's webhook endpoints. The target (Discord/generic URL, or Telegram chat id) and the secret (generic
-- signing secret, Telegram bot token) are sealed with MONPS_DATA_KEY and never returned.
CREATE TABLE webhooks (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           text        NOT NULL CHECK (kind IN ('discord', 'telegram', 'generic')),
    name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    target_sealed  text        NOT NULL CHECK (char_length(target_sealed) BETWEEN 1 AND 4096),
    -- What the owner sees of the target: the host of a URL, or the chat id.
    target_display text        NOT NULL CHECK (char_length(target_display) BETWEEN 1 AND 255),
    secret_sealed  text        CHECK (char_length(secret_sealed) <= 4096),
    -- The event types sent to this endpoint.
    events         text[]      NOT NULL CHECK (cardinality(events) >= 1 AND events <@ ARRAY[
        'opportunity.new', 'bet.kickoff_soon', 'bet.settled', 'bet.clv', 'backtest.finished', 'digest.daily',
        'job.failed', 'quota.low']::text[]),
    enabled        boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_user_idx ON webhooks (user_id, created_at);

-- The outbox: one row per event and channel endpoint. `pending` rows wait for `next_attempt_at` (later than
-- the event during the user's quiet hours, or after a failed attempt); `delivered` is written only after the
-- receiver accepted the message; `dead` after the last attempt, visible to the user and retryable.
CREATE TABLE notification_deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        bigint      NOT NULL REFERENCES notification_events (id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         text        NOT NULL CHECK (channel IN ('webhook', 'email')),
    webhook_id      uuid        REFERENCES webhooks (id) ON DELETE CASCADE,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text        CHECK (char_length(last_error) <= 1000),
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((channel = 'webhook') = (webhook_id IS NOT NULL)),
    CHECK ((status = 'delivered') = (delivered_at IS NOT NULL)),
    UNIQUE NULLS NOT DISTINCT (event_id, channel, webhook_id)
);
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX notification_deliveries_user_idx ON notification_deliveries (user_id, id DESC);

-- Alerts now default to edges of 10% and more.
ALTER TABLE user_settings ALTER COLUMN alerts
    SET DEFAULT '{"email": false, "websocket": true, "webhook": false, "min_edge": 0.10}';
