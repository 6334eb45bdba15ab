-- Bankrolls with an append-only ledger, per-user settings, and bets.
--
-- Money is bigint minor units everywhere. The ledger (bankroll_entries) is the source of truth: every change of a
-- bankroll's money is one entry, and entries are never updated or deleted (the triggers below refuse it).
-- bankrolls.balance is a cache of the last entry's balance_after, maintained by the insert trigger in the same
-- transaction; the application locks the bankroll row (SELECT … FOR UPDATE) before posting, so concurrent bets on
-- one bankroll serialise and the balance can never go below zero (CHECKs are the backstop).

CREATE TABLE bankrolls (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- No ON DELETE: a user's money history must never vanish with a row (users are soft-deleted).
    user_id        uuid        NOT NULL REFERENCES users (id),
    name           text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    currency       text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    -- Recorded as the first `deposit` entry when greater than zero.
    initial_amount bigint      NOT NULL CHECK (initial_amount >= 0),
    -- The last entry's balance_after (0 before any entry). Only the ledger trigger changes it.
    balance        bigint      NOT NULL DEFAULT 0 CHECK (balance >= 0),
    archived       boolean     NOT NULL DEFAULT false,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- Target of the composite foreign keys that tie settings and bets to a bankroll of the same owner.
    UNIQUE (id, user_id)
);
-- Names are unique per owner among live bankrolls (case-insensitive); archived ones free their name.
CREATE UNIQUE INDEX bankrolls_owner_name_live_key ON bankrolls (user_id, lower(name)) WHERE NOT archived;
CREATE INDEX bankrolls_owner_idx ON bankrolls (user_id, created_at, id);

-- The per-user preferences that stake suggestions and (later) alerts use. No row = every default.
CREATE TABLE user_settings (
    user_id             uuid PRIMARY KEY REFERENCES users (id),
    default_bankroll_id uuid,
    -- Fractional Kelly multiplier λ.
    kelly_fraction      numeric     NOT NULL DEFAULT 0.25 CHECK (kelly_fraction > 0 AND kelly_fraction <= 1),
    -- Largest stake of one bet, in percent of the bankroll.
    max_stake_pct       numeric     NOT NULL DEFAULT 5 CHECK (max_stake_pct > 0 AND max_stake_pct <= 100),
    -- Smallest edge (p·O − 1) worth a stake.
    min_edge            numeric     NOT NULL DEFAULT 0.02 CHECK (min_edge >= 0 AND min_edge < 10),
    devig_method        text        NOT NULL DEFAULT 'shin' CHECK (devig_method IN
        ('multiplicative', 'additive', 'power', 'shin', 'odds_ratio', 'margin_weights')),
    sharp_bookmaker     text        NOT NULL DEFAULT 'pinnacle' REFERENCES bookmakers (key),
    -- An IANA zone name, validated by the application.
    time_zone           text        NOT NULL DEFAULT 'UTC' CHECK (char_length(time_zone) BETWEEN 1 AND 64),
    alerts              jsonb       NOT NULL
        DEFAULT '{"email": false, "websocket": true, "webhook": false, "min_edge": 0.03}'
        CHECK (jsonb_typeof(alerts) = 'object'),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- The default bankroll must be one of the user's own.
    FOREIGN KEY (default_bankroll_id, user_id) REFERENCES bankrolls (id, user_id)
);

CREATE TABLE bets (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id                  uuid        NOT NULL REFERENCES users (id),
    bankroll_id              uuid        NOT NULL,
    -- An event MonPS knows, or (manual bets on anything else) a free-text description; never neither.
    event_id                 bigint REFERENCES events (id),
    event_description        text CHECK (char_length(event_description) BETWEEN 1 AND 200),
    sport_key                text        NOT NULL REFERENCES sports (key),
    competition              text CHECK (char_length(competition) <= 200),
    market                   text        NOT NULL
        CHECK (market IN ('h2h', 'spreads', 'totals', 'draw_no_bet', 'double_chance')),
    selection                text        NOT NULL
        CHECK (selection IN ('home', 'draw', 'away', 'over', 'under', '1X', '12', 'X2')),
    -- Handicap from the selection's side, or the total; a multiple of 0.25; only for spreads and totals.
    point                    numeric CHECK (point > -1000 AND point < 1000 AND point * 4 = trunc(point * 4)),
    bookmaker                text        NOT NULL CHECK (bookmaker ~ '^[a-z0-9_]{1,64}$'),
    odds                     numeric     NOT NULL CHECK (odds > 1 AND odds <= 10000),
    stake                    bigint      NOT NULL CHECK (stake > 0),
    -- ⌊stake × odds⌋ (odds quantised to 10⁻⁶), see Money.payout.
    potential_return         bigint      NOT NULL CHECK (potential_return >= stake),
    placed_at                timestamptz NOT NULL DEFAULT now(),
    status                   text        NOT NULL DEFAULT 'pending' CHECK (status IN
        ('pending', 'won', 'half_won', 'push', 'half_lost', 'lost', 'void', 'cancelled')),
    -- Filled by settlement.
    settled_at               timestamptz,
    payout                   bigint CHECK (payout >= 0),
    profit                   bigint,
    -- Filled by the closing-line job: the bet's bookmaker's close, the sharp close and its de-vigged fair price.
    closing_odds             numeric CHECK (closing_odds > 1),
    sharp_closing_odds       numeric CHECK (sharp_closing_odds > 1),
    fair_closing_odds        numeric CHECK (fair_closing_odds > 1),
    clv                      numeric,
    beat_close               boolean,
    -- Opportunities come later; no foreign key yet.
    opportunity_id           uuid,
    agent                    text CHECK (char_length(agent) BETWEEN 1 AND 100),
    edge_at_placement        numeric,
    fair_probability         numeric CHECK (fair_probability > 0 AND fair_probability < 1),
    suggested_kelly_fraction numeric CHECK (suggested_kelly_fraction >= 0 AND suggested_kelly_fraction <= 1),
    kelly_fraction_used      numeric CHECK (kelly_fraction_used >= 0 AND kelly_fraction_used <= 1),
    tags                     text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 20),
    notes                    text CHECK (char_length(notes) <= 2000),
    source                   text        NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'opportunity', 'import')),
    is_live                  boolean     NOT NULL DEFAULT false,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    -- Bumped by every change (optimistic concurrency for later writers such as settlement).
    version                  integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
    FOREIGN KEY (bankroll_id, user_id) REFERENCES bankrolls (id, user_id),
    CHECK (event_id IS NOT NULL OR event_description IS NOT NULL),
    CHECK ((market IN ('spreads', 'totals')) = (point IS NOT NULL)),
    CHECK (status IN ('pending', 'cancelled') OR (settled_at IS NOT NULL AND payout IS NOT NULL AND profit IS NOT NULL))
);
-- The list (newest first) and its filters; the filters narrow one user's rows, so each index leads with user_id.
CREATE INDEX bets_user_placed_idx ON bets (user_id, placed_at DESC, id DESC);
CREATE INDEX bets_user_status_placed_idx ON bets (user_id, status, placed_at DESC, id DESC);
CREATE INDEX bets_user_sport_placed_idx ON bets (user_id, sport_key, placed_at DESC);
CREATE INDEX bets_user_bookmaker_placed_idx ON bets (user_id, bookmaker, placed_at DESC);
CREATE INDEX bets_bankroll_placed_idx ON bets (bankroll_id, placed_at DESC, id DESC);
CREATE INDEX bets_tags_idx ON bets USING gin (tags);
-- Settlement and the joint Kelly allocation look for pending bets of an event.
CREATE INDEX bets_pending_event_idx ON bets (event_id, user_id) WHERE status = 'pending';

-- The ledger. Amount signs are fixed per kind; corrections carry either sign.
CREATE TABLE bankroll_entries (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    bankroll_id   uuid        NOT NULL REFERENCES bankrolls (id),
    kind          text        NOT NULL
        CHECK (kind IN ('deposit', 'withdrawal', 'stake', 'payout', 'refund', 'correction')),
    amount        bigint      NOT NULL,
    -- The running balance after this entry: the previous entry's balance_after + amount.
    balance_after bigint      NOT NULL CHECK (balance_after >= 0),
    bet_id        uuid REFERENCES bets (id),
    caused_by     text        NOT NULL CHECK (caused_by IN ('user', 'bet', 'settlement', 'correction')),
    note          text CHECK (char_length(note) <= 500),
    -- NULL for system writers (settlement job).
    created_by    uuid REFERENCES users (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (CASE kind
        WHEN 'deposit' THEN amount > 0
        WHEN 'withdrawal' THEN amount < 0
        WHEN 'stake' THEN amount < 0
        WHEN 'payout' THEN amount > 0
        WHEN 'refund' THEN amount > 0
        ELSE amount <> 0
    END),
    CHECK (kind NOT IN ('stake', 'payout', 'refund') OR bet_id IS NOT NULL)
);
CREATE INDEX bankroll_entries_bankroll_idx ON bankroll_entries (bankroll_id, id DESC);
CREATE INDEX bankroll_entries_bet_idx ON bankroll_entries (bet_id) WHERE bet_id IS NOT NULL;

-- Keeps the chain: an entry must continue from the bankroll's current balance, and moves the balance with it.
-- Runs in the inserting transaction, after the row lock the application already holds.
CREATE FUNCTION bankroll_entries_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    current_balance bigint;
BEGIN
    SELECT balance INTO current_balance FROM bankrolls WHERE id = NEW.bankroll_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'bankroll % does not exist', NEW.bankroll_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF NEW.balance_after IS DISTINCT FROM current_balance + NEW.amount THEN
        RAISE EXCEPTION 'ledger chain broken: balance % + amount % <> balance_after %',
            current_balance, NEW.amount, NEW.balance_after USING ERRCODE = 'check_violation';
    END IF;
    UPDATE bankrolls SET balance = NEW.balance_after, updated_at = now() WHERE id = NEW.bankroll_id;
    RETURN NEW;
END;
$$;

CREATE TRIGGER bankroll_entries_chain
    BEFORE INSERT ON bankroll_entries
    FOR EACH ROW EXECUTE FUNCTION bankroll_entries_chain();

CREATE FUNCTION bankroll_entries_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'bankroll_entries is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- Statement-level, so even an UPDATE or DELETE that matches no row is refused.
CREATE TRIGGER bankroll_entries_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON bankroll_entries
    FOR EACH STATEMENT EXECUTE FUNCTION bankroll_entries_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON bankroll_entries FROM PUBLIC;

-- The balance is the ledger's: a bankroll starts at 0, and an UPDATE of bankrolls.balance that does not come from
-- the chain trigger (which runs this one at depth 2) is refused.
CREATE FUNCTION bankrolls_guard_balance() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.balance <> 0 THEN
            RAISE EXCEPTION 'a bankroll starts at balance 0; post its initial deposit to the ledger'
                USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.balance IS DISTINCT FROM OLD.balance AND pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'bankrolls.balance follows the ledger; post a bankroll_entries row instead'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER bankrolls_guard_balance
    BEFORE INSERT OR UPDATE OF balance ON bankrolls
    FOR EACH ROW EXECUTE FUNCTION bankrolls_guard_balance();
