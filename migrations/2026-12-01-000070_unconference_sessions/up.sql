-- On-site unconference sessions (issue 21): a confirmed attendee proposes one
-- during the conference; others mark themselves essential ("can't happen
-- without me") or interested. The proposer is essential to their own.
CREATE TABLE unconference_sessions (
    id            bigserial PRIMARY KEY,
    public_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    proposer_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title         text NOT NULL CHECK (length(title) BETWEEN 3 AND 200 AND title !~ '[\r\n]'),
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
    minutes       integer NOT NULL CHECK (minutes BETWEEN 15 AND 480),
    -- Equipment words the session needs, from the rooms' equipment (lower case).
    needs         text[] NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unconference_sessions_conference_idx ON unconference_sessions (conference_id);

CREATE TABLE unconference_interest (
    session_id bigint NOT NULL REFERENCES unconference_sessions (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    level      text NOT NULL CHECK (level IN ('essential', 'interested')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX unconference_interest_user_idx ON unconference_interest (user_id);
