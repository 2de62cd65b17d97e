-- Mail to chosen groups (issue 19): what was sent, to whom, and through
-- which outbox rows (their status is the delivery state).
CREATE TABLE mailings (
    id            bigserial PRIMARY KEY,
    public_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    -- The composer's form carries this key: a second submission sends nothing.
    form_key      uuid NOT NULL UNIQUE,
    audience      text NOT NULL CHECK (length(audience) BETWEEN 1 AND 200),
    subject       text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    sent_by       bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mailings_conference_idx ON mailings (conference_id, created_at DESC);

CREATE TABLE mailing_messages (
    mailing_id bigint NOT NULL REFERENCES mailings (id) ON DELETE CASCADE,
    outbox_id  bigint NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    user_id    bigint REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (mailing_id, outbox_id)
);
