-- A share with users is addressed to an email address, whether or not an account has it (security finding #5).
-- Before, only addresses with an account got a row, so the sharer's list of sent shares told which of the addresses
-- they tried have an account. Now every address gets its row (`recipient_email`, normalised); `recipient_id` is
-- set when an active account other than the sharer's has the address, and only such a share is delivered.
ALTER TABLE opportunity_shares ADD COLUMN recipient_email text;
UPDATE opportunity_shares s SET recipient_email = u.email_normalized FROM users u WHERE u.id = s.recipient_id;

-- The old "a recipient or a token" rule becomes "an address or a token"; a recipient always has its address.
DO $$
DECLARE constraint_name text;
BEGIN
    FOR constraint_name IN
        SELECT conname FROM pg_constraint
        WHERE conrelid = 'opportunity_shares'::regclass AND contype = 'c'
          AND pg_get_constraintdef(oid) LIKE '%recipient_id IS NULL%token_hash IS NULL%'
    LOOP
        EXECUTE format('ALTER TABLE opportunity_shares DROP CONSTRAINT %I', constraint_name);
    END LOOP;
END $$;
ALTER TABLE opportunity_shares ADD CONSTRAINT opportunity_shares_target_check
    CHECK ((recipient_email IS NULL) <> (token_hash IS NULL) AND (recipient_id IS NULL OR recipient_email IS NOT NULL));

-- One live share per address and opportunity: sharing again refreshes it.
DROP INDEX opportunity_shares_recipient_key;
CREATE UNIQUE INDEX opportunity_shares_address_key ON opportunity_shares (opportunity_id, owner_id, recipient_email)
    WHERE recipient_email IS NOT NULL AND revoked_at IS NULL;
