-- Constraints that disagreed with the contract.

-- API tokens may carry the `run:backtests` scope. The scope came after migration 0003, whose CHECK lists the scopes
-- a token may hold, so creating a token with it failed in PostgreSQL (a 500) although the contract offers it.
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_scopes_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scopes_check CHECK (
    cardinality(scopes) >= 1
    AND scopes <@ ARRAY['read:public', 'read:bets', 'write:bets', 'read:bankrolls', 'write:bankrolls',
                        'read:analytics', 'run:backtests', 'write:settings', 'admin']::text[]);

-- A backtest window whose end is before its start is empty (the contract's rule for every time window), not an
-- error: the CHECK that refused it turned such a request into a 500.
DO $$
DECLARE constraint_name text;
BEGIN
    FOR constraint_name IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'backtests'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%starts_before > starts_from%'
    LOOP
        EXECUTE format('ALTER TABLE backtests DROP CONSTRAINT %I', constraint_name);
    END LOOP;
END $$;
