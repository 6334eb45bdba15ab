-- Platform settings an admin changes at run time (GET/PUT /v1/admin/settings). One row. Every instance reloads it
-- every few seconds; NULL means "as configured by the environment".
CREATE TABLE platform_settings (
    id                    boolean PRIMARY KEY DEFAULT true CHECK (id),
    -- The Odds API key, AES-256-GCM sealed with MONPS_DATA_KEY (DataCipher); never returned in full.
    odds_api_key_sealed   text CHECK (char_length(odds_api_key_sealed) <= 1000),
    odds_api_key_last4    text CHECK (char_length(odds_api_key_last4) <= 4),
    -- Seconds between collections per sport key, e.g. {"soccer_epl": 600}; sports not named use the job interval.
    odds_intervals        jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(odds_intervals) = 'object'),
    settlement_interval   integer CHECK (settlement_interval BETWEEN 60 AND 604800),
    clv_interval          integer CHECK (clv_interval BETWEEN 60 AND 604800),
    registration_open     boolean,
    -- Rate-limit policy overrides, same JSON as MONPS_RATE_LIMITS.
    rate_limits           jsonb CHECK (rate_limits IS NULL OR jsonb_typeof(rate_limits) = 'object'),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    updated_by            uuid REFERENCES users (id)
);
INSERT INTO platform_settings (id) VALUES (true);

-- When each sport's odds were last collected (per-sport collection frequency).
CREATE TABLE odds_collection_state (
    sport_key       text PRIMARY KEY REFERENCES sports (key),
    last_collected  timestamptz NOT NULL
);
