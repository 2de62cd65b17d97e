ALTER TABLE outbox DROP COLUMN holds_secret;
CREATE TABLE login_failures (
    id        bigserial PRIMARY KEY,
    email     text NOT NULL,
    client    text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, failed_at);
CREATE INDEX login_failures_client_idx ON login_failures (client, failed_at);
DROP TABLE rate_limits;
DROP INDEX api_tokens_user_idx;
ALTER TABLE api_tokens DROP COLUMN public_id, DROP COLUMN name, DROP COLUMN scope,
    DROP COLUMN expires_at, DROP COLUMN revoked_at;
DROP TRIGGER proposal_people_addressee ON proposal_people;
DROP TRIGGER committee_members_addressee ON committee_members;
DROP FUNCTION invitation_taken_by_addressee();
DROP TRIGGER api_tokens_verified ON api_tokens;
DROP TRIGGER conference_roles_verified ON conference_roles;
DROP TRIGGER microconference_leads_verified ON microconference_leads;
DROP TRIGGER proposals_verified ON proposals;
DROP TRIGGER reviews_verified ON reviews;
DROP TRIGGER registrations_verified ON registrations;
DROP TRIGGER room_bookings_verified ON room_bookings;
DROP FUNCTION verified_writer();
DROP FUNCTION require_verified_account(bigint, text);
