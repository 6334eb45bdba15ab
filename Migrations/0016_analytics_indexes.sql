-- Analytics (issue #15): indexes for the aggregates and the history, nothing else.

-- The bankroll curve sums one user's ledger per local day: entries of a bankroll in time order, with the columns
-- the aggregate reads, so the scan never visits the heap.
CREATE INDEX bankroll_entries_bankroll_time_idx ON bankroll_entries (bankroll_id, created_at) INCLUDE (kind, amount);

-- The analytics read one user's settled bets in a period with the figures' columns (index-only scans for the
-- breakdowns, heatmap and win rate on large histories).
CREATE INDEX bets_user_settled_analytics_idx ON bets (user_id, placed_at)
    INCLUDE (bankroll_id, status, stake, payout, odds, clv, fair_probability)
    WHERE status NOT IN ('pending', 'cancelled');

-- Bets per day across all users (admin analytics).
CREATE INDEX bets_placed_idx ON bets (placed_at);

-- The opportunity history pages past opportunities by kick-off, latest first.
CREATE INDEX opportunities_history_idx ON opportunities (starts_at DESC, id DESC) WHERE status <> 'active';
