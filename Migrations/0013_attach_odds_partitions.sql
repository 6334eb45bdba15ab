-- Monthly odds partitions are created as plain tables and then attached. ATTACH PARTITION takes a SHARE UPDATE
-- EXCLUSIVE lock on odds_snapshots, which transactions writing prices (ROW EXCLUSIVE) do not conflict with, where
-- CREATE TABLE … PARTITION OF takes ACCESS EXCLUSIVE and so waited for every open load and collection run (and
-- blocked every reader and writer behind it meanwhile). Now an import creates the partitions its files need on a
-- second connection while it loads (HistoricalImporter), and the maintenance job never waits on a running load.
-- Creators still take turns (advisory lock), and only when a month is missing: a caller whose months all exist
-- takes no lock at all.
CREATE OR REPLACE FUNCTION ensure_odds_partitions(from_ts timestamptz, to_ts timestamptz) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    month   date := date_trunc('month', from_ts AT TIME ZONE 'UTC')::date;
    last    date := date_trunc('month', to_ts AT TIME ZONE 'UTC')::date;
    created integer := 0;
    locked  boolean := false;
    name    text;
    lower_ts timestamptz;
    upper_ts timestamptz;
BEGIN
    IF to_ts < from_ts THEN
        RAISE EXCEPTION 'ensure_odds_partitions: % is before %', to_ts, from_ts;
    END IF;
    IF last - month > 366 * 60 THEN
        RAISE EXCEPTION 'ensure_odds_partitions: range too wide (% to %)', from_ts, to_ts;
    END IF;
    WHILE month <= last LOOP
        name := format('odds_snapshots_%s', to_char(month, 'YYYY_MM'));
        IF to_regclass(name) IS NULL THEN
            IF NOT locked THEN
                PERFORM pg_advisory_xact_lock(hashtext('odds_snapshots_partitions'));
                locked := true;
            END IF;
            IF to_regclass(name) IS NULL THEN  -- still missing now that it is this caller's turn
                lower_ts := month::timestamp AT TIME ZONE 'UTC';
                upper_ts := (month + interval '1 month')::timestamp AT TIME ZONE 'UTC';
                EXECUTE format('CREATE TABLE %I (LIKE odds_snapshots INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
                -- The parent index's twin, built on the empty table before attaching, so ATTACH adopts it.
                EXECUTE format('CREATE UNIQUE INDEX %I ON %I (event_id, bookmaker_id, market, outcome, captured_at, point) NULLS NOT DISTINCT', name || '_key', name);
                EXECUTE format('ALTER TABLE odds_snapshots ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', name, lower_ts, upper_ts);
                created := created + 1;
            END IF;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN created;
END
$fn$;
