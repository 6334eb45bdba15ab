-- Analytics (issue #15): one narrow row per settled bet, with the figures as the analytics count them, kept by
-- triggers in the writing transaction.
--
-- Why: every analytics answer is an aggregate over a user's settled bets. Read from `bets`, each of those rows is ~300
-- bytes wide (descriptions, notes, tags …), its odds, CLV and fair probability are `numeric` (each cast to float8 per
-- row), and voids and hit scores are sorted out by a FILTER on the status text in every aggregate: 60,000 bets took
-- 100–200 ms. Here the rows are narrow, the money is already what the figures add up (0 for a void), the ratios are
-- float8, the hit score is a column, and the currency is on the row (no join): the aggregates are plain sums.
--
-- Consistency: the trigger runs after every INSERT, UPDATE and DELETE of a bet in the same transaction, whoever the
-- writer is (API, settlement job, corrections, imports, SQL): a settled bet has exactly one fact row with its current
-- values; a pending, cancelled or deleted bet has none. A bankroll's currency change (the application never makes
-- one) is carried over too.

CREATE TABLE bet_facts (
    bet_id           uuid PRIMARY KEY,
    user_id          uuid        NOT NULL,
    bankroll_id      uuid        NOT NULL,
    currency         text        NOT NULL,
    placed_at        timestamptz NOT NULL,
    void             boolean     NOT NULL,
    -- Money in minor units as the figures count it: 0 for a void (voids only count in `void_bets`).
    stake            bigint      NOT NULL,
    profit           bigint      NOT NULL,
    -- The bet's odds (a void keeps them: it still has an odds band; the average odds leave voids out).
    odds             float8      NOT NULL,
    -- NULL for a void or when the bet has no CLV.
    clv              float8,
    -- Hit score of a graded bet (won 1, half-won 0.5, half-lost and lost 0); NULL for push and void.
    hit              float8,
    -- The bet's fair probability when it is hit-scored (the expected hit rate's terms); else NULL.
    fair_probability float8,
    event_id         bigint,
    -- The filters and group keys, as on the bet.
    status           text        NOT NULL,
    bookmaker        text        NOT NULL,
    sport_key        text        NOT NULL,
    competition      text,
    market           text        NOT NULL,
    source           text        NOT NULL,
    agent            text
);
CREATE INDEX bet_facts_user_placed_idx ON bet_facts (user_id, placed_at);

CREATE FUNCTION bet_facts_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.status IN ('pending', 'cancelled') THEN
        DELETE FROM bet_facts WHERE bet_id = OLD.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
        DELETE FROM bet_facts WHERE bet_id = OLD.id;
    END IF;
    INSERT INTO bet_facts (bet_id, user_id, bankroll_id, currency, placed_at, void, stake, profit, odds, clv, hit,
                           fair_probability, event_id, status, bookmaker, sport_key, competition, market, source, agent)
    SELECT NEW.id, NEW.user_id, NEW.bankroll_id, r.currency, NEW.placed_at, NEW.status = 'void',
           CASE WHEN NEW.status = 'void' THEN 0 ELSE NEW.stake END,
           CASE WHEN NEW.status = 'void' THEN 0 ELSE NEW.payout - NEW.stake END,
           NEW.odds::float8,
           CASE WHEN NEW.status = 'void' THEN NULL ELSE NEW.clv::float8 END,
           CASE NEW.status WHEN 'won' THEN 1 WHEN 'half_won' THEN 0.5 WHEN 'half_lost' THEN 0 WHEN 'lost' THEN 0 END,
           CASE WHEN NEW.status IN ('won', 'half_won', 'half_lost', 'lost') THEN NEW.fair_probability::float8 END,
           NEW.event_id, NEW.status, NEW.bookmaker, NEW.sport_key, NEW.competition, NEW.market, NEW.source, NEW.agent
    FROM bankrolls r WHERE r.id = NEW.bankroll_id
    ON CONFLICT (bet_id) DO UPDATE SET
        user_id = EXCLUDED.user_id, bankroll_id = EXCLUDED.bankroll_id, currency = EXCLUDED.currency,
        placed_at = EXCLUDED.placed_at, void = EXCLUDED.void, stake = EXCLUDED.stake, profit = EXCLUDED.profit,
        odds = EXCLUDED.odds, clv = EXCLUDED.clv, hit = EXCLUDED.hit, fair_probability = EXCLUDED.fair_probability,
        event_id = EXCLUDED.event_id, status = EXCLUDED.status, bookmaker = EXCLUDED.bookmaker,
        sport_key = EXCLUDED.sport_key, competition = EXCLUDED.competition, market = EXCLUDED.market,
        source = EXCLUDED.source, agent = EXCLUDED.agent;
    RETURN NULL;
END;
$$;

CREATE TRIGGER bet_facts_sync
    AFTER INSERT OR UPDATE OR DELETE ON bets
    FOR EACH ROW EXECUTE FUNCTION bet_facts_sync();

CREATE FUNCTION bet_facts_bankroll_currency() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE bet_facts SET currency = NEW.currency WHERE bankroll_id = NEW.id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER bet_facts_bankroll_currency
    AFTER UPDATE OF currency ON bankrolls
    FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency)
    EXECUTE FUNCTION bet_facts_bankroll_currency();

-- The bets already settled.
INSERT INTO bet_facts (bet_id, user_id, bankroll_id, currency, placed_at, void, stake, profit, odds, clv, hit,
                       fair_probability, event_id, status, bookmaker, sport_key, competition, market, source, agent)
SELECT b.id, b.user_id, b.bankroll_id, r.currency, b.placed_at, b.status = 'void',
       CASE WHEN b.status = 'void' THEN 0 ELSE b.stake END,
       CASE WHEN b.status = 'void' THEN 0 ELSE b.payout - b.stake END,
       b.odds::float8,
       CASE WHEN b.status = 'void' THEN NULL ELSE b.clv::float8 END,
       CASE b.status WHEN 'won' THEN 1 WHEN 'half_won' THEN 0.5 WHEN 'half_lost' THEN 0 WHEN 'lost' THEN 0 END,
       CASE WHEN b.status IN ('won', 'half_won', 'half_lost', 'lost') THEN b.fair_probability::float8 END,
       b.event_id, b.status, b.bookmaker, b.sport_key, b.competition, b.market, b.source, b.agent
FROM bets b JOIN bankrolls r ON r.id = b.bankroll_id
WHERE b.status NOT IN ('pending', 'cancelled')
ORDER BY b.user_id, b.placed_at;

ANALYZE bet_facts;
