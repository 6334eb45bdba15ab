-- The opportunities' list entries (`opportunities.listing`, migration 0012) are written by the application from
-- the generated `Opportunity` type and the generated server's own JSON encoding: one representation of the API
-- resource, which a schema change edits once and the compiler checks. The database no longer knows the API's JSON;
-- it only drops an entry that a change has made stale, so a writer that does not write entries (SQL by hand, a
-- status change) can never leave a wrong one behind. An active row without an entry is answered by the generated
-- handler, and the next detection run (or `monps relist`) writes it.

DROP TRIGGER opportunities_listing ON opportunities;
DROP FUNCTION opportunities_keep_listing();
DROP FUNCTION opportunity_listing(opportunities);
DROP FUNCTION api_timestamp(timestamptz);

CREATE FUNCTION opportunities_drop_stale_listing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'active' THEN
        NEW.listing := NULL;
    -- An update that changes what the entry shows without writing a new entry: the old one is stale. (The teams'
    -- names are in it too; participants are never renamed and an event's teams never change.)
    ELSIF TG_OP = 'UPDATE' AND NEW.listing IS NOT DISTINCT FROM OLD.listing
        AND (NEW.event_id, NEW.sport_key, NEW.competition, NEW.market, NEW.point, NEW.outcome, NEW.bookmaker,
             NEW.price, NEW.fair_probability, NEW.edge, NEW.score, NEW.verdict, NEW.agents, NEW.starts_at,
             NEW.detected_at, NEW.updated_at)
        IS DISTINCT FROM
            (OLD.event_id, OLD.sport_key, OLD.competition, OLD.market, OLD.point, OLD.outcome, OLD.bookmaker,
             OLD.price, OLD.fair_probability, OLD.edge, OLD.score, OLD.verdict, OLD.agents, OLD.starts_at,
             OLD.detected_at, OLD.updated_at)
    THEN
        NEW.listing := NULL;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER opportunities_stale_listing BEFORE INSERT OR UPDATE ON opportunities
    FOR EACH ROW EXECUTE FUNCTION opportunities_drop_stale_listing();

-- The entries to write: few at any time (those of the last detection run until it writes them).
CREATE INDEX opportunities_unlisted ON opportunities (id) WHERE status = 'active' AND listing IS NULL;

-- The entries PostgreSQL wrote hold the same values in other bytes (unescaped slashes, its float text): rewritten
-- by the application, so every entry is the generated encoder's.
UPDATE opportunities SET listing = NULL WHERE listing IS NOT NULL;
