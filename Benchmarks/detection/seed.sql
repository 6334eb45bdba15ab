-- Seeds a detection benchmark database (run by run.sh through psql with -v events=N -v polls=N).
--
-- Shape: :events upcoming scheduled events spread over the next 7 days, round-robin over the active sports
-- (13 football leagues with a draw, 10 two-way sports), each with one h2h market, one spread line and one
-- totals line, priced by 8 bookmakers (Pinnacle the sharp one) at :polls polls 20 minutes apart (each
-- bookmaker a little off the others), so the newest poll is about now and the oldest about 3 hours ago.
--
-- Prices: fair probabilities per event with a margin per bookmaker (Pinnacle 2.5 %, soft books 4.5-7 %)
-- and ±1.5 % noise per price. 15 % of the events are steamed: Pinnacle's fair probability of one outcome
-- (home of the h2h, or the over) rises 6 points between 110 and 40 minutes ago, and two soft bookmakers
-- of that event do not follow (their prices stay those of two hours ago). 0.4 % of the newest soft
-- prices are boosted by 9 %. Both give the agents real signals; everything else is quiet.
-- Pseudo-random numbers come from hashes of the row's keys, so the same parameters give the same data.
\set ON_ERROR_STOP on
BEGIN;

-- A deterministic number in [0, 1) from any text.
CREATE FUNCTION pg_temp.unit(key text) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || substr(md5(key), 1, 8))::bit(32)::bigint / 4294967296.0 $$;

SELECT ensure_odds_partitions(now() - interval '1 day', now() + interval '1 day');

CREATE TEMP TABLE bench_sports AS
SELECT key, group_key, outcomes = 3 AS has_draw, (row_number() OVER (ORDER BY key) - 1)::int AS n
FROM sports WHERE active;

INSERT INTO competitions (sport_key, name)
SELECT key, 'Bench ' || key FROM bench_sports ON CONFLICT DO NOTHING;

CREATE TEMP TABLE bench_slots AS
SELECT i, s.key AS sport_key, s.group_key, s.has_draw
FROM generate_series(1, :events) i
JOIN bench_sports s ON s.n = i % (SELECT count(*) FROM bench_sports);

INSERT INTO participants (group_key, name)
SELECT group_key, format('Bench %s %s', i, side) FROM bench_slots CROSS JOIN (VALUES ('home'), ('away')) v (side);

-- Events start between 30 minutes and 7 days from now.
CREATE TEMP TABLE bench_events AS
WITH inserted AS (
    INSERT INTO events (sport_key, competition_id, home_id, away_id, starts_at)
    SELECT b.sport_key, c.id, h.id, a.id,
           now() + interval '30 minutes' + (b.i * (interval '7 days' / :events))
    FROM bench_slots b
    JOIN competitions c ON c.sport_key = b.sport_key AND c.name = 'Bench ' || b.sport_key
    JOIN participants h ON h.name = format('Bench %s home', b.i)
    JOIN participants a ON a.name = format('Bench %s away', b.i)
    RETURNING id, sport_key
)
SELECT e.id, s.has_draw, s.group_key,
       -- Base fair probabilities: h2h home (the draw about 26 % where there is one), home covering, over.
       CASE WHEN s.has_draw THEN 0.22 + 0.40 * pg_temp.unit(e.id || 'home') ELSE 0.30 + 0.40 * pg_temp.unit(e.id || 'home') END AS p_home,
       CASE WHEN s.has_draw THEN 0.23 + 0.06 * pg_temp.unit(e.id || 'draw') ELSE 0 END AS p_draw,
       0.46 + 0.08 * pg_temp.unit(e.id || 'cover') AS p_cover,
       0.45 + 0.10 * pg_temp.unit(e.id || 'over') AS p_over,
       CASE WHEN pg_temp.unit(e.id || 'steam') < 0.15
            THEN CASE WHEN pg_temp.unit(e.id || 'steam-market') < 0.6 THEN 'h2h' ELSE 'totals' END END AS steam_market,
       -- Lines: the home handicap and the total, by sport group.
       CASE s.group_key WHEN 'soccer' THEN -0.5 WHEN 'basketball' THEN -5.5 WHEN 'icehockey' THEN -1.5
            WHEN 'baseball' THEN -1.5 ELSE -1.5 END AS home_line,
       CASE s.group_key WHEN 'soccer' THEN 2.5 WHEN 'basketball' THEN 221.5 WHEN 'icehockey' THEN 5.5
            WHEN 'baseball' THEN 8.5 WHEN 'tennis' THEN 22.5 ELSE 2.5 END AS total
FROM inserted e JOIN bench_sports s ON s.key = e.sport_key;

-- The 8 bookmakers: index 0 is the sharp one; each polls a little after the previous one.
CREATE TEMP TABLE bench_books AS
SELECT k.id AS bookmaker_id, v.n, v.margin
FROM (VALUES ('pinnacle', 0, 0.025), ('bet365', 1, 0.050), ('williamhill', 2, 0.060), ('unibet', 3, 0.055),
             ('bwin', 4, 0.065), ('betvictor', 5, 0.045), ('ladbrokes', 6, 0.070), ('betfair_ex', 7, 0.045)) v (key, n, margin)
JOIN bookmakers k ON k.key = v.key;

-- Every outcome of every market of every event: (market, outcome, point, base probability, steamed?).
CREATE TEMP TABLE bench_outcomes AS
SELECT e.id AS event_id, o.market, o.outcome, o.point, o.p, o.rises, o.falls, e.p_home, e.p_draw
FROM bench_events e
CROSS JOIN LATERAL (VALUES
    ('h2h', 'home', NULL::double precision, e.p_home, e.steam_market = 'h2h', false),
    ('h2h', 'draw', NULL, e.p_draw, false, e.steam_market = 'h2h'),
    ('h2h', 'away', NULL, 1 - e.p_home - e.p_draw, false, e.steam_market = 'h2h'),
    ('spreads', 'home', e.home_line, e.p_cover, false, false),
    ('spreads', 'away', -e.home_line, 1 - e.p_cover, false, false),
    ('totals', 'over', e.total, e.p_over, e.steam_market = 'totals', false),
    ('totals', 'under', e.total, 1 - e.p_over, false, e.steam_market = 'totals')
) o (market, outcome, point, p, rises, falls)
WHERE o.outcome <> 'draw' OR e.has_draw;

-- The series. `seen` is how many minutes ago the bookmaker's price reflects the market: a lagging book
-- (two soft books of each steamed event) still shows the market of 120 minutes ago.
INSERT INTO odds_snapshots (event_id, bookmaker_id, market, outcome, point, price, captured_at, source)
SELECT event_id, bookmaker_id, market, outcome, point,
       round(greatest(1.01, least(1000.0, price))::numeric, 3)::double precision, captured_at, 'bench'
FROM (
    SELECT o.event_id, b.bookmaker_id, o.market, o.outcome, o.point, captured_at,
           (1 / (moved.p * (1 + b.margin))) * (1 + 0.03 * (pg_temp.unit(o.event_id || o.outcome || b.n || k) - 0.5))
               * CASE WHEN k = 0 AND b.n > 0 AND pg_temp.unit(o.event_id || o.market || o.outcome || b.n || 'boost') < 0.004
                      THEN 1.09 ELSE 1 END AS price
    FROM bench_outcomes o
    CROSS JOIN bench_books b
    CROSS JOIN generate_series(0, :polls - 1) k
    CROSS JOIN LATERAL (SELECT now() - make_interval(mins => 20 * k, secs => 23 * b.n) AS captured_at,
        CASE WHEN b.n > 0 AND (o.rises OR o.falls) AND b.n IN (1 + o.event_id % 7, 1 + (o.event_id + 3) % 7)
             THEN greatest(20 * k, 120) ELSE 20 * k END AS seen) t
    -- The steamed outcome gains up to 6 points (linearly from 110 to 40 minutes ago); the others of the
    -- market share the loss in proportion.
    CROSS JOIN LATERAL (SELECT least(1.0, greatest(0.0, (110 - t.seen) / 70.0)) * 0.06 AS gain) g
    CROSS JOIN LATERAL (SELECT CASE
        WHEN o.rises THEN o.p + g.gain
        WHEN o.falls THEN o.p * (1 - (CASE WHEN o.market = 'h2h' THEN o.p_home ELSE 1 - o.p END) - g.gain)
                              / (1 - (CASE WHEN o.market = 'h2h' THEN o.p_home ELSE 1 - o.p END))
        ELSE o.p END AS p) moved
) s;

-- latest_odds as the loader keeps it: the newest snapshot per event, market, outcome and bookmaker.
INSERT INTO latest_odds (event_id, bookmaker_id, market, outcome, point, price, captured_at)
SELECT DISTINCT ON (event_id, market, outcome, bookmaker_id)
       event_id, bookmaker_id, market, outcome, point, price, captured_at
FROM odds_snapshots
WHERE event_id IN (SELECT id FROM bench_events)
ORDER BY event_id, market, outcome, bookmaker_id, captured_at DESC;

COMMIT;
ANALYZE events, odds_snapshots, latest_odds;
