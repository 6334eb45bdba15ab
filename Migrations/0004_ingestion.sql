-- Ingestion: bookmakers, participants (with aliases), events, results and the odds time series.
--
-- Sizing: odds_snapshots is the only big table (hundreds of millions of rows). Its rows are kept narrow
-- (ids instead of names), it is range-partitioned by month on captured_at so old months can be detached,
-- archived or dropped without touching the rest, and each partition carries a single B-tree that serves
-- idempotent inserts, "history of one event", "latest price" and "closing price" alike. The hot reads
-- ("current prices of this event", "closing prices") come from two small tables maintained by the loader,
-- latest_odds and closing_odds, so they never scan the time series.

CREATE TABLE bookmakers (
    id         smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        text        NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9_]{1,64}$'),
    title      text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    -- A sharp book's no-vig prices are the reference for fair probabilities and CLV.
    sharp      boolean     NOT NULL DEFAULT false,
    -- Aggregates such as "market average" are not bookmakers one can bet with.
    aggregate  boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO bookmakers (key, title, sharp, aggregate) VALUES
    ('pinnacle', 'Pinnacle', true, false),
    ('betfair_ex', 'Betfair Exchange', false, false),
    ('bet365', 'Bet365', false, false),
    ('williamhill', 'William Hill', false, false),
    ('bwin', 'Bwin', false, false),
    ('interwetten', 'Interwetten', false, false),
    ('vcbet', 'VC Bet', false, false),
    ('ladbrokes', 'Ladbrokes', false, false),
    ('betfred', 'Betfred', false, false),
    ('betmgm', 'BetMGM', false, false),
    ('betvictor', 'BetVictor', false, false),
    ('coral', 'Coral', false, false),
    ('gamebookers', 'Gamebookers', false, false),
    ('sportingbet', 'Sportingbet', false, false),
    ('stanjames', 'Stan James', false, false),
    ('bluesquare', 'Blue Square', false, false),
    ('expekt', 'Expekt', false, false),
    ('unibet', 'Unibet', false, false),
    ('centrebet', 'Centrebet', false, false),
    ('sbr', 'SBR consensus line', false, false),
    ('market_max', 'Market maximum', false, true),
    ('market_avg', 'Market average', false, true),
    ('betbrain_max', 'BetBrain maximum', false, true),
    ('betbrain_avg', 'BetBrain average', false, true);

-- Finer-grained competitions inside a catalogue sport: league codes, tennis tournaments.
CREATE TABLE competitions (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sport_key text NOT NULL REFERENCES sports (key),
    name      text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    UNIQUE (sport_key, name)
);

-- Teams and players, per sport group (a team plays every competition of its group).
CREATE TABLE participants (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_key  text        NOT NULL REFERENCES sport_groups (key),
    name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participants_name_idx ON participants (group_key, lower(name));

-- Every spelling seen resolves through its normalised form (see ParticipantName in the app), so
-- "Man United", "Manchester Utd" and "Manchester United" are one participant.
CREATE TABLE participant_aliases (
    group_key      text        NOT NULL REFERENCES sport_groups (key),
    alias          text        NOT NULL CHECK (char_length(alias) BETWEEN 1 AND 200),
    participant_id bigint      NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_key, alias)
);
CREATE INDEX participant_aliases_participant_idx ON participant_aliases (participant_id);

CREATE TABLE events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sport_key      text        NOT NULL REFERENCES sports (key),
    competition_id bigint REFERENCES competitions (id),
    home_id        bigint      NOT NULL REFERENCES participants (id),
    away_id        bigint      NOT NULL REFERENCES participants (id),
    starts_at      timestamptz NOT NULL,
    status         text        NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'live', 'finished', 'cancelled', 'postponed')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (home_id <> away_id)
);
CREATE INDEX events_sport_start_idx ON events (sport_key, starts_at, id);
CREATE INDEX events_start_idx ON events (starts_at, id);
CREATE INDEX events_home_idx ON events (home_id, starts_at);
CREATE INDEX events_away_idx ON events (away_id, starts_at);

-- Ids of an event at each source: re-importing a file or re-polling The Odds API finds the same event.
CREATE TABLE event_external_ids (
    source      text   NOT NULL CHECK (source ~ '^[a-z0-9_-]{1,32}$'),
    external_id text   NOT NULL CHECK (char_length(external_id) BETWEEN 1 AND 300),
    event_id    bigint NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    PRIMARY KEY (source, external_id)
);
CREATE INDEX event_external_ids_event_idx ON event_external_ids (event_id);

-- Final scores and the facts settlement needs.
CREATE TABLE event_results (
    event_id         bigint PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    home_score       integer     NOT NULL CHECK (home_score >= 0),
    away_score       integer     NOT NULL CHECK (away_score >= 0),
    -- End of regulation (football full time, NHL three periods, NBA four quarters); NULL when unknown.
    regulation_home  integer CHECK (regulation_home >= 0),
    regulation_away  integer CHECK (regulation_away >= 0),
    -- [[home, away], …] per half/period/quarter/inning/set.
    period_scores    jsonb,
    outcome          text        NOT NULL CHECK (outcome IN ('finished', 'retired', 'walkover', 'cancelled')),
    winner           text CHECK (winner IN ('home', 'away', 'draw')),
    overtime         boolean     NOT NULL DEFAULT false,
    notes            text CHECK (char_length(notes) <= 1000),
    source           text        NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((regulation_home IS NULL) = (regulation_away IS NULL))
);

-- The odds time series. One row per price seen; re-seeing the same price at the same instant adds nothing.
CREATE TABLE odds_snapshots (
    event_id     bigint           NOT NULL,
    bookmaker_id smallint         NOT NULL,
    market       text             NOT NULL CHECK (market IN ('h2h', 'spreads', 'totals')),
    outcome      text             NOT NULL CHECK (outcome IN ('home', 'draw', 'away', 'over', 'under')),
    -- Handicap from this outcome's side, or the total; NULL for h2h.
    point        double precision CHECK (point IS NULL OR (point > -1000 AND point < 1000)),
    price        double precision NOT NULL CHECK (price > 1 AND price <= 10000),
    captured_at  timestamptz      NOT NULL,
    source       text             NOT NULL CHECK (source ~ '^[a-z0-9_-]{1,32}$')
) PARTITION BY RANGE (captured_at);
-- Partitions inherit this index. Serves ON CONFLICT DO NOTHING, an event's history (prefix event_id),
-- and latest/closing lookups (prefix event_id, bookmaker_id, market, outcome, then captured_at).
CREATE UNIQUE INDEX odds_snapshots_key ON odds_snapshots
    (event_id, bookmaker_id, market, outcome, captured_at, point) NULLS NOT DISTINCT;

-- Creates the monthly partitions covering [from, to]; idempotent and safe to run concurrently.
CREATE FUNCTION ensure_odds_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    month   date := date_trunc('month', from_ts AT TIME ZONE 'UTC')::date;
    last    date := date_trunc('month', to_ts AT TIME ZONE 'UTC')::date;
    created integer := 0;
    name    text;
BEGIN
    IF to_ts < from_ts THEN
        RAISE EXCEPTION 'ensure_odds_partitions: % is before %', to_ts, from_ts;
    END IF;
    IF last - month > 366 * 60 THEN
        RAISE EXCEPTION 'ensure_odds_partitions: range too wide (% to %)', from_ts, to_ts;
    END IF;
    -- Serialise creators: two loaders creating the same month must not both try.
    PERFORM pg_advisory_xact_lock(hashtext('odds_snapshots_partitions'));
    WHILE month <= last LOOP
        name := format('odds_snapshots_%s', to_char(month, 'YYYY_MM'));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF odds_snapshots FOR VALUES FROM (%L) TO (%L)',
                name, (month::timestamp AT TIME ZONE 'UTC'), ((month + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
            created := created + 1;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN created;
END
$fn$;

-- The current month and the next three exist from the start; the maintenance job keeps it so.
SELECT ensure_odds_partitions(now(), now() + interval '3 months');

-- Latest price per bookmaker and outcome (the line, for spreads/totals, is part of the value).
-- latest_odds and closing_odds are derived from odds_snapshots and written only by the loader and the closing
-- job, like the series itself: no foreign keys, whose per-row checks would double the cost of every load.
CREATE TABLE latest_odds (
    event_id     bigint           NOT NULL,
    bookmaker_id smallint         NOT NULL,
    market       text             NOT NULL,
    outcome      text             NOT NULL,
    point        double precision,
    price        double precision NOT NULL,
    captured_at  timestamptz      NOT NULL,
    PRIMARY KEY (event_id, market, outcome, bookmaker_id)
);

-- Closing price per bookmaker and outcome: the last snapshot at or before the start. Filled by the
-- closing-line job (and by imports of finished events) from odds_snapshots.
CREATE TABLE closing_odds (LIKE latest_odds INCLUDING ALL);

-- Events whose closing line has been recorded (the job's bookmark).
ALTER TABLE events ADD COLUMN closing_marked_at timestamptz;
CREATE INDEX events_closing_pending_idx ON events (starts_at) WHERE closing_marked_at IS NULL;

-- Background jobs: every run is recorded; a run holds a PostgreSQL advisory lock so one instance runs it.
CREATE TABLE job_runs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job          text        NOT NULL CHECK (job ~ '^[a-z0-9_.-]{1,64}$'),
    trigger      text        NOT NULL CHECK (trigger IN ('schedule', 'manual', 'startup')),
    status       text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    items        integer     NOT NULL DEFAULT 0,
    errors       integer     NOT NULL DEFAULT 0,
    credits_used integer     NOT NULL DEFAULT 0,
    message      text CHECK (char_length(message) <= 2000),
    details      jsonb,
    instance     text        NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job_idx ON job_runs (job, started_at DESC, id DESC);
CREATE INDEX job_runs_started_idx ON job_runs (started_at DESC, id DESC);

-- Imports (CLI and admin upload): what was loaded from which file, and what was skipped.
CREATE TABLE import_runs (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source            text        NOT NULL,
    file_name         text        NOT NULL,
    file_sha256       text        NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
    started_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    rows_read         integer     NOT NULL DEFAULT 0,
    events_created    integer     NOT NULL DEFAULT 0,
    events_matched    integer     NOT NULL DEFAULT 0,
    snapshots_added   integer     NOT NULL DEFAULT 0,
    snapshots_known   integer     NOT NULL DEFAULT 0,
    results_stored    integer     NOT NULL DEFAULT 0,
    rows_skipped      integer     NOT NULL DEFAULT 0,
    issues            jsonb       NOT NULL DEFAULT '[]',
    requested_by      uuid REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX import_runs_started_idx ON import_runs (started_at DESC, id DESC);
