-- Each active opportunity keeps its list entry as JSON, so that a page of GET /v1/opportunities is its rows'
-- entries joined (no four-table join, no decoding and re-encoding of twenty columns per row per request).
-- A trigger writes it on every insert and update, whoever makes them (detection, grading, SQL by hand), so it
-- cannot drift from the columns; rows that are not active carry none. Participants are never renamed and an
-- event's teams never change, so the names copied in stay right.
--
-- The JSON is the Opportunity schema of the OpenAPI document as the API writes it: keys sorted, absent optional
-- values left out, dates to the second in UTC (`InternetDateTranscoder`), numbers in PostgreSQL's shortest exact
-- float8 form (the function pins extra_float_digits, whose session value could otherwise round them).

ALTER TABLE opportunities ADD COLUMN listing text;

CREATE FUNCTION api_timestamp(at timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    -- Rounded to the millisecond, then to the second below (as the API's date transcoder does).
    SELECT to_json(to_char(date_trunc('second', (at AT TIME ZONE 'UTC') + interval '500 microseconds'),
                           'YYYY-MM-DD"T"HH24:MI:SS"Z"'))::text
$$;

CREATE FUNCTION opportunity_listing(o opportunities) RETURNS text
LANGUAGE sql STABLE SET extra_float_digits = 1 AS $$
    SELECT '{"agents":' || to_json(o.agents)::text
        || ',"away":' || to_json(a.name)::text
        || ',"bookmaker":' || to_json(o.bookmaker)::text
        || coalesce(',"competition":' || to_json(o.competition)::text, '')
        || ',"detected_at":' || api_timestamp(o.detected_at)
        || ',"edge":' || to_json(o.edge)::text
        || ',"event_id":' || o.event_id::text
        || ',"fair_odds":' || to_json(1 / o.fair_probability)::text
        || ',"fair_probability":' || to_json(o.fair_probability)::text
        || ',"home":' || to_json(h.name)::text
        || ',"id":' || to_json(o.id)::text
        || ',"market":' || to_json(o.market)::text
        || ',"outcome":' || to_json(o.outcome)::text
        || coalesce(',"point":' || to_json(o.point)::text, '')
        || ',"price":' || to_json(o.price)::text
        || ',"score":' || to_json(o.score)::text
        || ',"sport":' || to_json(o.sport_key)::text
        || ',"starts_at":' || api_timestamp(o.starts_at)
        || ',"status":' || to_json(o.status)::text
        || ',"updated_at":' || api_timestamp(o.updated_at)
        || ',"verdict":' || to_json(o.verdict)::text
        || '}'
    FROM events e
    JOIN participants h ON h.id = e.home_id
    JOIN participants a ON a.id = e.away_id
    WHERE e.id = o.event_id
$$;

CREATE FUNCTION opportunities_keep_listing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.listing := CASE WHEN NEW.status = 'active' THEN opportunity_listing(NEW) END;
    RETURN NEW;
END
$$;

CREATE TRIGGER opportunities_listing BEFORE INSERT OR UPDATE ON opportunities
    FOR EACH ROW EXECUTE FUNCTION opportunities_keep_listing();

-- The rows already there: the trigger writes their entries.
UPDATE opportunities SET listing = NULL WHERE status = 'active';
