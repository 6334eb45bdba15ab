-- Value-bet opportunities found by the detection agents, and the agents' switches.

CREATE TABLE detection_agents (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9_]{1,64}$'),
    letter      text        NOT NULL CHECK (letter ~ '^[A-Z]$'),
    title       text        NOT NULL,
    description text        NOT NULL,
    enabled     boolean     NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  uuid REFERENCES users (id)
);
INSERT INTO detection_agents (id, letter, title, description) VALUES
    ('consensus_anomaly', 'A', 'Consensus anomaly',
     'Kaunitz, Zhong & Kreiner (2017): a price above 1 / (consensus probability − 0.05) with at least 4 bookmakers'),
    ('sharp_value', 'B', 'Value versus sharp',
     'Edge of at least 2% against the sharp bookmaker''s de-vigged prices'),
    ('steam', 'C', 'Line movement',
     'The sharp fair probability moved more than 3 points within 2 hours and this bookmaker lags the move'),
    ('track_record', 'D', 'Track record',
     'Weights the other agents'' votes by their measured results (backtests and settled bets)');

CREATE TABLE opportunities (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id         bigint           NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    sport_key        text             NOT NULL,
    competition      text,
    market           text             NOT NULL CHECK (market IN ('h2h', 'spreads', 'totals')),
    -- The line (spreads: the home handicap; totals: the total); NULL for h2h.
    point            double precision,
    outcome          text             NOT NULL,
    bookmaker        text             NOT NULL,
    price            double precision NOT NULL CHECK (price > 1),
    captured_at      timestamptz      NOT NULL,
    fair_probability double precision NOT NULL CHECK (fair_probability > 0 AND fair_probability < 1),
    edge             double precision NOT NULL,
    score            double precision NOT NULL CHECK (score >= 0 AND score <= 100),
    verdict          text             NOT NULL CHECK (verdict IN ('analyze', 'caution')),
    -- Agents that voted for it, and everything that produced it: every agent's vote, signal and reason.
    agents           text[]           NOT NULL,
    votes            jsonb            NOT NULL,
    -- The prices the agents saw (bookmaker → outcome → price), for the record.
    prices           jsonb            NOT NULL,
    starts_at        timestamptz      NOT NULL,
    status           text             NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn', 'expired')),
    detected_at      timestamptz      NOT NULL DEFAULT now(),
    updated_at       timestamptz      NOT NULL DEFAULT now(),
    -- One opportunity per selection: a new detection updates it rather than adding another.
    UNIQUE NULLS NOT DISTINCT (event_id, market, point, outcome)
);
CREATE INDEX opportunities_active_start_idx ON opportunities (starts_at, id) WHERE status = 'active';
CREATE INDEX opportunities_active_edge_idx ON opportunities (edge DESC, id) WHERE status = 'active';
CREATE INDEX opportunities_active_score_idx ON opportunities (score DESC, id) WHERE status = 'active';
CREATE INDEX opportunities_sport_idx ON opportunities (sport_key, starts_at) WHERE status = 'active';
