-- The `write:odds` scope (issue #18): feeder API tokens pushing batches to POST /v1/feeds/odds.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scopes_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scopes_check CHECK (
    cardinality(scopes) >= 1
    AND scopes <@ ARRAY['read:public', 'read:bets', 'write:bets', 'read:bankrolls', 'write:bankrolls',
                        'read:analytics', 'run:backtests', 'write:settings', 'write:odds', 'admin']::text[]
);
