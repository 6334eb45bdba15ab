-- Current price per event, bookmaker, market and outcome: the newer of latest_odds and closing_odds.
--
-- An event that has already started when it is loaded (every historical import) has the same newest price as
-- closing price on almost every line; the loader writes that row to closing_odds only, and a latest_odds row
-- only where a price came after the start. Later loads keep latest_odds moving forward, and the closing job
-- recomputes closing_odds from the series, so the newer of the two rows is always the newest stored price.
-- Readers of "current prices" of an event that may have started read this view; the detector and other readers
-- of upcoming events only may read latest_odds directly (an event loaded before its start has all its rows there).
-- Ties on captured_at go to the lower line, as in the loader (ORDER BY captured_at DESC, point).
CREATE VIEW current_odds AS
SELECT DISTINCT ON (event_id, market, outcome, bookmaker_id)
    event_id, bookmaker_id, market, outcome, point, price, captured_at
FROM (
    SELECT event_id, bookmaker_id, market, outcome, point, price, captured_at FROM latest_odds
    UNION ALL
    SELECT event_id, bookmaker_id, market, outcome, point, price, captured_at FROM closing_odds
) both_tables
ORDER BY event_id, market, outcome, bookmaker_id, captured_at DESC, point;
