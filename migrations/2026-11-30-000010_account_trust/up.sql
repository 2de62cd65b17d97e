-- Trust: an account whose address nobody verified can take nothing that reaches
-- other people or outlives it, and an invitation binds to the address it was
-- sent to. These are invariants, so PostgreSQL keeps them whatever path writes.

-- One rule, raised with a constraint name the app maps to "confirm your address first".
CREATE FUNCTION require_verified_account(uid bigint, what text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF uid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users WHERE id = uid AND email_verified_at IS NOT NULL) THEN
        RAISE EXCEPTION 'an account with an unconfirmed address cannot %', what
            USING ERRCODE = 'check_violation', CONSTRAINT = 'account_unverified';
    END IF;
END $$;

CREATE FUNCTION verified_writer() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    uid bigint;
BEGIN
    -- TG_ARGV[0] names the column holding the acting account.
    uid := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    PERFORM require_verified_account(uid, TG_ARGV[1]);
    RETURN NEW;
END $$;

CREATE TRIGGER api_tokens_verified BEFORE INSERT ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION verified_writer('user_id', 'hold an API token');
CREATE TRIGGER conference_roles_verified BEFORE INSERT ON conference_roles
    FOR EACH ROW EXECUTE FUNCTION verified_writer('user_id', 'take up a role');
CREATE TRIGGER microconference_leads_verified BEFORE INSERT ON microconference_leads
    FOR EACH ROW EXECUTE FUNCTION verified_writer('user_id', 'lead a microconference');
CREATE TRIGGER proposals_verified BEFORE INSERT ON proposals
    FOR EACH ROW EXECUTE FUNCTION verified_writer('submitter_id', 'submit a proposal');
CREATE TRIGGER reviews_verified BEFORE INSERT ON reviews
    FOR EACH ROW EXECUTE FUNCTION verified_writer('reviewer_id', 'review');
CREATE TRIGGER registrations_verified BEFORE INSERT ON registrations
    FOR EACH ROW EXECUTE FUNCTION verified_writer('user_id', 'register');
CREATE TRIGGER room_bookings_verified BEFORE INSERT ON room_bookings
    FOR EACH ROW EXECUTE FUNCTION verified_writer('user_id', 'book a room');

-- An invitation (co-speaker, co-lead, committee member) is taken up only by the
-- verified account whose address it was sent to: the link alone is not enough.
CREATE FUNCTION invitation_taken_by_addressee() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.user_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM users WHERE id = NEW.user_id AND email = NEW.email AND email_verified_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION 'invitation for % taken up by another account', NEW.email
            USING ERRCODE = 'check_violation', CONSTRAINT = 'invitation_addressee';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER proposal_people_addressee BEFORE INSERT OR UPDATE OF user_id, email ON proposal_people
    FOR EACH ROW EXECUTE FUNCTION invitation_taken_by_addressee();
CREATE TRIGGER committee_members_addressee BEFORE INSERT OR UPDATE OF user_id, email ON committee_members
    FOR EACH ROW EXECUTE FUNCTION invitation_taken_by_addressee();

-- API tokens: named, scoped, optionally expiring, revocable.
ALTER TABLE api_tokens
    ADD COLUMN public_id  uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    ADD COLUMN name       text NOT NULL DEFAULT 'API token' CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    ADD COLUMN scope      text NOT NULL DEFAULT 'read-write' CHECK (scope IN ('read', 'read-write')),
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN revoked_at timestamptz;
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Counters for throttling (failed logins, mail sent on request), one row per key
-- and fixed window. An attempt increments its counter in one statement before
-- the slow password check, so parallel guesses cannot all slip under the limit.
CREATE TABLE rate_limits (
    key          text PRIMARY KEY CHECK (length(key) <= 400),
    window_start timestamptz NOT NULL DEFAULT now(),
    hits         integer NOT NULL DEFAULT 0 CHECK (hits >= 0)
);
DROP TABLE login_failures;

-- Mail that carries a single-use secret (confirmation, reset and invitation
-- links) keeps it only until it is sent: the worker blanks its body then.
ALTER TABLE outbox ADD COLUMN holds_secret boolean NOT NULL DEFAULT false;
