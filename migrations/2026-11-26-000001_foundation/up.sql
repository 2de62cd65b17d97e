-- Foundation: accounts, sessions, tokens, mail outbox, conferences and their roles.
-- Invariants live here as well as in Rust: the database refuses what the app must never store.

CREATE TABLE users (
    id                bigserial PRIMARY KEY,
    public_id         uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    email             text NOT NULL UNIQUE
                      CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254 AND position('@' in email) > 1),
    name              text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    affiliation       text NOT NULL DEFAULT '' CHECK (length(affiliation) <= 200),
    bio               text NOT NULL DEFAULT '' CHECK (length(bio) <= 2000),
    password_hash     text NOT NULL,
    email_verified_at timestamptz,
    is_site_admin     boolean NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL DEFAULT now()
);

-- Server-side sessions: the cookie holds a random token, the table only its SHA-256.
CREATE TABLE sessions (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Single-use, expiring tokens mailed to people (email verification, password reset).
CREATE TABLE user_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, purpose);

-- Personal API tokens for the JSON API (Authorization: Bearer).
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz
);

-- Failed logins, counted per account and per client to throttle guessing.
CREATE TABLE login_failures (
    id        bigserial PRIMARY KEY,
    email     text NOT NULL,
    client    text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, failed_at);
CREATE INDEX login_failures_client_idx ON login_failures (client, failed_at);

-- Every mail is written here in the transaction of the change that causes it;
-- the worker sends it later, so a down SMTP server loses nothing.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    recipient       text NOT NULL CHECK (recipient !~ '[\r\n]'),
    subject         text NOT NULL CHECK (subject !~ '[\r\n]'),
    body_text       text NOT NULL,
    body_html       text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status = 'pending';

CREATE TABLE conferences (
    id              bigserial PRIMARY KEY,
    slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    venue           text NOT NULL DEFAULT '' CHECK (length(venue) <= 300),
    time_zone       text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    starts_on       date NOT NULL,
    ends_on         date NOT NULL,
    attendance_cap  integer NOT NULL CHECK (attendance_cap > 0 AND attendance_cap <= 1000000),
    currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on AND ends_on - starts_on <= 60)
);

-- Roles are per conference (site admin is the only global one, on users).
CREATE TABLE conference_roles (
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role          text NOT NULL CHECK (role IN ('organiser', 'reviewer')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conference_id, user_id, role)
);
CREATE INDEX conference_roles_user_idx ON conference_roles (user_id);

-- An appointment for an email without an account yet; it becomes a role when
-- that address is verified.
CREATE TABLE role_invitations (
    id            bigserial PRIMARY KEY,
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    email         text NOT NULL CHECK (email = lower(email)),
    role          text NOT NULL CHECK (role IN ('organiser', 'reviewer')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conference_id, email, role)
);
