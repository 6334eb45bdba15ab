-- Backtests over stored data (POST /v1/backtests, run by the `backtests.run` job), the bets they simulated, and
-- the paper result of every live opportunity that reached kick-off (graded by `opportunities.grade`): together the
-- agents' measured records behind GET /v1/agents/compare and agent D's weights.

CREATE TABLE backtests (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id       uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- One agent's id, or `consensus` (every agent, majority and weighted vote).
    strategy      text        NOT NULL CHECK (strategy IN ('consensus_anomaly', 'sharp_value', 'steam', 'consensus')),
    sport         text CHECK (sport ~ '^[a-z0-9_]{1,64}$'),
    starts_from   timestamptz,
    starts_before timestamptz CHECK (starts_before IS NULL OR starts_from IS NULL OR starts_before > starts_from),
    -- As the CLI spells it: `flat:<minor units>`, `kelly:<λ>` or `kelly:<λ>:<cap>`.
    staking       text        NOT NULL CHECK (char_length(staking) BETWEEN 1 AND 64),
    bankroll      bigint      NOT NULL CHECK (bankroll > 0),
    seed          bigint      NOT NULL,
    status        text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    -- Runs started; a run cut short by a crash is retried (at most three times).
    attempts      integer     NOT NULL DEFAULT 0,
    error         text CHECK (char_length(error) <= 2000),
    summary       jsonb,
    -- [[epoch seconds, bankroll minor units], …] after each settlement time.
    equity        jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz
);
CREATE INDEX backtests_user_idx ON backtests (user_id, created_at DESC, id);
CREATE INDEX backtests_queue_idx ON backtests (created_at, id) WHERE status IN ('queued', 'running');
CREATE INDEX backtests_latest_idx ON backtests (strategy, finished_at DESC) WHERE status = 'succeeded';

CREATE TABLE backtest_bets (
    backtest_id      uuid             NOT NULL REFERENCES backtests (id) ON DELETE CASCADE,
    seq              integer          NOT NULL,
    -- No foreign key: the backtest is a record of what was replayed, even if the event goes later.
    event_id         bigint           NOT NULL,
    sport_key        text             NOT NULL,
    market           text             NOT NULL CHECK (market IN ('h2h', 'spreads', 'totals')),
    point            double precision,
    outcome          text             NOT NULL,
    bookmaker        text             NOT NULL,
    price            double precision NOT NULL CHECK (price > 1),
    fair_probability double precision NOT NULL,
    edge             double precision NOT NULL,
    placed_at        timestamptz      NOT NULL,
    settled_at       timestamptz      NOT NULL,
    stake            bigint           NOT NULL CHECK (stake > 0),
    payout           bigint           NOT NULL CHECK (payout >= 0),
    grade            text             NOT NULL CHECK (grade IN ('won', 'half_won', 'push', 'half_lost', 'lost', 'void')),
    clv              double precision,
    agents           text[]           NOT NULL,
    PRIMARY KEY (backtest_id, seq)
);

-- A flat one-unit paper bet on each opportunity that was still active at kick-off, at its last price.
ALTER TABLE opportunities
    ADD COLUMN grade       text CHECK (grade IN ('won', 'half_won', 'push', 'half_lost', 'lost', 'void')),
    -- Payout per unit staked (2.10 for a win at 2.10, 0 for a loss, 1 for a push or void).
    ADD COLUMN unit_return double precision CHECK (unit_return >= 0),
    ADD COLUMN clv         double precision,
    ADD COLUMN graded_at   timestamptz;
CREATE INDEX opportunities_ungraded_idx ON opportunities (starts_at, id) WHERE status = 'expired' AND graded_at IS NULL;
CREATE INDEX opportunities_graded_idx ON opportunities (starts_at) WHERE graded_at IS NOT NULL;
