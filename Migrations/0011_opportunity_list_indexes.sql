-- Indexes matching the opportunities list exactly: ORDER BY <key> <dir>, id <dir> (the keyset), optionally within
-- one sport. The 0007 indexes sort id ascending under a descending key, so every page needed an incremental
-- sort, and a sport filter walked the global order discarding other sports' rows (~90 % for the EPL).
CREATE INDEX opportunities_active_sport_score_idx ON opportunities (sport_key, score DESC, id DESC) WHERE status = 'active';
CREATE INDEX opportunities_active_sport_edge_idx ON opportunities (sport_key, edge DESC, id DESC) WHERE status = 'active';
CREATE INDEX opportunities_active_sport_start_idx ON opportunities (sport_key, starts_at, id) WHERE status = 'active';
CREATE INDEX opportunities_active_score_id_idx ON opportunities (score DESC, id DESC) WHERE status = 'active';
CREATE INDEX opportunities_active_edge_id_idx ON opportunities (edge DESC, id DESC) WHERE status = 'active';
-- Superseded: the sport/start index is now (sport_key, starts_at, id), the global ones have id in key order.
DROP INDEX opportunities_sport_idx;
DROP INDEX opportunities_active_score_idx;
DROP INDEX opportunities_active_edge_idx;
