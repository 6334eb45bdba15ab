-- One user (the demo account) with 5 bankrolls and 100,000 settled bets over 3 years, with their ledger
-- (a deposit per bankroll, then a stake per bet and a payout per paid bet, in time order). Deterministic (setseed).
SELECT setseed(0.15);

CREATE TEMP TABLE bench_user AS SELECT id FROM users WHERE email = 'demo@monps.local';

INSERT INTO bankrolls (user_id, name, currency, initial_amount)
SELECT (SELECT id FROM bench_user), 'Bench ' || n, (ARRAY['EUR', 'EUR', 'EUR', 'GBP', 'USD'])[n], 50000000
FROM generate_series(1, 5) n;

CREATE TEMP TABLE bench_bankrolls AS
SELECT id, row_number() OVER (ORDER BY name) AS n FROM bankrolls
WHERE user_id = (SELECT id FROM bench_user) AND name LIKE 'Bench %';

-- The first deposit of each bankroll, three years and a day ago.
INSERT INTO bankroll_entries (bankroll_id, kind, amount, balance_after, caused_by, created_at)
SELECT id, 'deposit', 50000000, 50000000, 'user', now() - interval '3 years 1 day' FROM bench_bankrolls ORDER BY n;

CREATE TEMP TABLE bench_bets AS
SELECT gen_random_uuid() AS id, k.id AS bankroll_id, g AS seq,
       now() - interval '3 years' + (g::float8 / 100000) * interval '3 years' + random() * interval '1 hour' AS placed_at,
       round((1.3 + random() * 4.7)::numeric, 2) AS odds, (100 + floor(random() * 4900))::int8 AS stake,
       random() AS luck, (random() * 0.2 - 0.08) AS clv,
       (ARRAY['bet365', 'pinnacle', 'unibet', 'williamhill', 'betfair'])[1 + floor(random() * 5)::int] AS bookmaker,
       (ARRAY['soccer_epl', 'soccer_spain_la_liga', 'basketball_nba', 'icehockey_nhl', 'tennis_atp'])[1 + floor(random() * 5)::int] AS sport,
       (ARRAY['A', 'B', 'C', 'A,B', NULL])[1 + floor(random() * 5)::int] AS agent
FROM generate_series(1, 100000) g JOIN bench_bankrolls k ON k.n = 1 + g % 5;

INSERT INTO bets (id, user_id, bankroll_id, event_description, sport_key, competition, market, selection, bookmaker, odds,
                  stake, potential_return, placed_at, status, settled_at, payout, profit, clv, beat_close, fair_probability,
                  agent, source)
SELECT id, (SELECT id FROM bench_user), bankroll_id, 'Bench ' || seq, sport, 'League ' || (seq % 7), 'h2h', 'home',
       bookmaker, odds, stake, floor(stake * odds), placed_at, status, placed_at + interval '2 hours', payout, payout - stake,
       clv, clv > 0, least(0.95, 1 / odds * 1.02), agent, CASE WHEN agent IS NULL THEN 'manual' ELSE 'opportunity' END
FROM (
    SELECT b.*, s.status,
           CASE s.status WHEN 'won' THEN floor(stake * odds) WHEN 'half_won' THEN floor(stake * (odds + 1) / 2)
                         WHEN 'push' THEN stake WHEN 'void' THEN stake WHEN 'half_lost' THEN floor(stake / 2) ELSE 0 END::int8 AS payout
    FROM bench_bets b,
         LATERAL (SELECT CASE WHEN b.luck < 0.97 / b.odds THEN 'won' WHEN b.luck > 0.99 THEN 'void' WHEN b.luck > 0.98 THEN 'push'
                              WHEN b.luck > 0.97 THEN 'half_lost' ELSE 'lost' END AS status) s
) x;

-- The ledger in time order per bankroll; the chain trigger checks every balance_after.
INSERT INTO bankroll_entries (bankroll_id, kind, amount, balance_after, bet_id, caused_by, created_at)
SELECT bankroll_id, kind, amount, 50000000 + sum(amount) OVER (PARTITION BY bankroll_id ORDER BY at, ord, id), id,
       CASE kind WHEN 'stake' THEN 'bet' ELSE 'settlement' END, at
FROM (
    SELECT bankroll_id, id, 'stake' AS kind, -stake AS amount, placed_at AS at, 0 AS ord FROM bets
    WHERE bankroll_id IN (SELECT id FROM bench_bankrolls)
    UNION ALL
    SELECT bankroll_id, id, 'payout', payout, settled_at, 1 FROM bets
    WHERE bankroll_id IN (SELECT id FROM bench_bankrolls) AND payout > 0
) e
ORDER BY bankroll_id, at, ord, id;

ANALYZE bets;
ANALYZE bankroll_entries;
