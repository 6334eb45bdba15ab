-- Benchmark data for GET /v1/opportunities: 20,000 upcoming events across the six sport groups (about 10 % EPL)
-- and 10 active opportunities on each (200,000), set-based so it loads in seconds. Run on a freshly migrated
-- database (after `monps demo seed`, whose few events and opportunities it leaves alone).
-- psql -v ON_ERROR_STOP=1 -f seed.sql
\set events 20000

BEGIN;

-- One competition per sport, named like the importer names them.
INSERT INTO competitions (sport_key, name)
SELECT key, description FROM sports
ON CONFLICT (sport_key, name) DO NOTHING;

-- Teams and players per group, in realistic numbers (a league's worth of teams, a tour's worth of players).
INSERT INTO participants (group_key, name)
SELECT g.key, initcap(g.key) || ' Bench ' || lpad(n::text, 4, '0')
FROM (VALUES ('soccer', 600), ('tennis', 400), ('basketball', 60), ('baseball', 30), ('icehockey', 32), ('esports', 120))
    AS g(key, count)
CROSS JOIN LATERAL generate_series(1, g.count) AS n;

-- Which sport each event belongs to: 100 slots, 10 EPL, 30 other football, 20 tennis, 10 basketball,
-- 8 baseball, 10 ice hockey, 12 esports.
CREATE TEMP TABLE bench_slots AS
SELECT slot, sport_key FROM (
    SELECT s, CASE
        WHEN s < 10 THEN 'soccer_epl'
        WHEN s < 40 THEN (ARRAY['soccer_efl_champ', 'soccer_germany_bundesliga', 'soccer_spain_la_liga',
            'soccer_italy_serie_a', 'soccer_france_ligue_one', 'soccer_netherlands_eredivisie'])[1 + s % 6]
        WHEN s < 60 THEN (ARRAY['tennis_atp', 'tennis_wta'])[1 + s % 2]
        WHEN s < 70 THEN (ARRAY['basketball_nba', 'basketball_euroleague'])[1 + s % 2]
        WHEN s < 78 THEN 'baseball_mlb'
        WHEN s < 88 THEN 'icehockey_nhl'
        ELSE (ARRAY['esports_lol', 'esports_cs2', 'esports_dota2', 'esports_valorant'])[1 + s % 4]
    END
    FROM generate_series(0, 99) AS s
) AS t(slot, sport_key);

-- Participants of each group numbered 0…n-1, so an event can pick two distinct ones arithmetically.
CREATE TEMP TABLE bench_people AS
SELECT group_key, id, row_number() OVER (PARTITION BY group_key ORDER BY id) - 1 AS ordinal,
    count(*) OVER (PARTITION BY group_key) AS size
FROM participants WHERE name LIKE '% Bench %';
CREATE INDEX ON bench_people (group_key, ordinal);

CREATE TEMP TABLE bench_events (event_id bigint);
WITH planned AS (
    SELECT g, b.sport_key, s.group_key, c.id AS competition_id,
        -- Over the next two weeks, on the quarter hour.
        date_trunc('hour', now()) + interval '2 hours' + (g % 1344) * interval '15 minutes' AS starts_at
    FROM generate_series(1, :events) AS g
    JOIN bench_slots b ON b.slot = g % 100
    JOIN sports s ON s.key = b.sport_key
    JOIN competitions c ON c.sport_key = b.sport_key AND c.name = s.description
), inserted AS (
    INSERT INTO events (sport_key, competition_id, home_id, away_id, starts_at, status)
    SELECT p.sport_key, p.competition_id, h.id, a.id, p.starts_at, 'scheduled'
    FROM planned p
    JOIN bench_people h ON h.group_key = p.group_key AND h.ordinal = (p.g * 7) % h.size
    JOIN bench_people a ON a.group_key = p.group_key AND a.ordinal = (p.g * 7 + 1 + p.g % (a.size - 1)) % a.size
    RETURNING id
)
INSERT INTO bench_events SELECT id FROM inserted;

-- Ten selections per event: h2h home/away, two totals lines, two spreads lines; each priced by a bookmaker with
-- an edge, a score, the voting agents, their votes and the prices they saw, shaped as the detector stores them.
WITH selection(n, market, point, outcome, outcome_index) AS (
    VALUES (0, 'h2h', NULL::float8, 'home', 0), (1, 'h2h', NULL, 'away', 1),
           (2, 'totals', 2.5, 'over', 0), (3, 'totals', 2.5, 'under', 1),
           (4, 'totals', 3.5, 'over', 0), (5, 'totals', 3.5, 'under', 1),
           (6, 'spreads', -0.5, 'home', 0), (7, 'spreads', -0.5, 'away', 1),
           (8, 'spreads', -1.5, 'home', 0), (9, 'spreads', -1.5, 'away', 1)
), books AS (
    SELECT array_agg(key ORDER BY id) AS keys FROM bookmakers WHERE NOT aggregate
), priced AS (
    SELECT e.id AS event_id, e.sport_key, c.name AS competition, e.starts_at, sel.*,
        books.keys[1 + (e.id * 3 + sel.n) % cardinality(books.keys)] AS bookmaker,
        books.keys AS book_keys,
        -- Deterministic pseudo-random fractions in [0, 1).
        ((e.id * 7919 + sel.n * 104729) % 1000) / 1000.0 AS r1,
        ((e.id * 6271 + sel.n * 15485863) % 997) / 997.0 AS r2
    FROM bench_events b
    JOIN events e ON e.id = b.event_id
    LEFT JOIN competitions c ON c.id = e.competition_id
    CROSS JOIN selection sel
    CROSS JOIN books
), valued AS (
    SELECT *, round((1.4 + r1 * 3.6)::numeric, 2)::float8 AS price, 0.01 + r2 * 0.14 AS edge,
        now() - (r2 * interval '90 minutes') AS captured_at
    FROM priced
)
INSERT INTO opportunities (event_id, sport_key, competition, market, point, outcome, bookmaker, price, captured_at,
    fair_probability, edge, score, verdict, agents, votes, prices, starts_at, status, detected_at, updated_at)
SELECT v.event_id, v.sport_key, v.competition, v.market, v.point, v.outcome, v.bookmaker, v.price, v.captured_at,
    (1 + v.edge) / v.price, v.edge, round((40 + v.r1 * 60)::numeric, 2)::float8,
    CASE WHEN v.r2 < 0.8 THEN 'analyze' ELSE 'caution' END,
    CASE WHEN v.r1 < 0.5 THEN ARRAY['consensus_anomaly', 'sharp_value']
         ELSE ARRAY['consensus_anomaly', 'sharp_value', 'track_record'] END,
    votes.json, prices.json, v.starts_at, 'active', v.captured_at, v.captured_at
FROM valued v
CROSS JOIN LATERAL (
    SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
        'agent', a.agent, 'weight', a.weight,
        'signal', CASE WHEN a.voted THEN jsonb_build_object(
            'agent', a.agent, 'eventID', v.event_id,
            'market', jsonb_strip_nulls(jsonb_build_object('type', v.market, 'line', v.point)),
            'outcomeIndex', v.outcome_index, 'outcome', v.outcome, 'bookmaker', v.bookmaker,
            'decimalOdds', v.price, 'capturedAt', to_char(v.captured_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            'fairProbability', (1 + v.edge) / v.price, 'edge', v.edge, 'confidence', round((0.5 + v.r1 / 2)::numeric, 3),
            'reason', format('%s at %s is %s%% above the fair price (%s bookmakers, consensus %s)', v.bookmaker, v.price,
                round((v.edge * 100)::numeric, 1), 8 + v.n, round(((1 + v.edge) / v.price)::numeric, 4)))
        END)) ORDER BY a.ord) AS json
    FROM (VALUES (1, 'consensus_anomaly', 1.0, true), (2, 'sharp_value', 1.2, true), (3, 'steam', 0.8, false),
                 (4, 'track_record', 1.0, v.r1 >= 0.5)) AS a(ord, agent, weight, voted)
) AS votes
CROSS JOIN LATERAL (
    -- Twelve bookmakers' prices for both sides of the selection's market.
    SELECT jsonb_object_agg(k.key, jsonb_build_object(
        CASE v.market WHEN 'totals' THEN 'over' ELSE 'home' END, round((v.price * (0.9 + k.i * 0.01))::numeric, 2),
        CASE v.market WHEN 'totals' THEN 'under' ELSE 'away' END, round((v.price * (0.55 + k.i * 0.01))::numeric, 2)
    )) AS json
    FROM unnest(v.book_keys[1:12]) WITH ORDINALITY AS k(key, i)
) AS prices;

COMMIT;
ANALYZE events;
ANALYZE participants;
ANALYZE opportunities;
