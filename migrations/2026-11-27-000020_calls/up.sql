-- Calls for proposals, tracks, proposals with their people and candidate topics,
-- and microconferences (an accepted MC proposal with its own topic call).

CREATE TABLE tracks (
    id            bigserial PRIMARY KEY,
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    position      integer NOT NULL DEFAULT 0,
    UNIQUE (conference_id, name)
);

-- Publishing the programme (accepted MCs and topics) is an organiser's decision.
ALTER TABLE conferences ADD COLUMN programme_published boolean NOT NULL DEFAULT false;

CREATE TABLE microconferences (
    id                 bigserial PRIMARY KEY,
    public_id          uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    conference_id      bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    proposal_id        bigint NOT NULL UNIQUE,
    title              text NOT NULL,
    description_md     text NOT NULL DEFAULT '',
    track_id           bigint REFERENCES tracks (id) ON DELETE SET NULL,
    -- A half-day block by default; accepted topics must fit in it.
    budget_minutes     integer NOT NULL DEFAULT 210 CHECK (budget_minutes BETWEEN 15 AND 600),
    -- The organisers' limit for the leads' topic call.
    latest_topic_close timestamptz NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE microconference_leads (
    microconference_id bigint NOT NULL REFERENCES microconferences (id) ON DELETE CASCADE,
    user_id            bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (microconference_id, user_id)
);
CREATE INDEX microconference_leads_user_idx ON microconference_leads (user_id);

CREATE TABLE calls (
    id                 bigserial PRIMARY KEY,
    public_id          uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    conference_id      bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    kind               text NOT NULL CHECK (kind IN ('microconference', 'refereed_talk', 'unconference', 'mc_topic')),
    -- Set exactly for topic calls: the MC whose leads run the call.
    microconference_id bigint UNIQUE REFERENCES microconferences (id) ON DELETE CASCADE,
    title              text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description_md     text NOT NULL DEFAULT '' CHECK (length(description_md) <= 20000),
    opens_at           timestamptz NOT NULL,
    closes_at          timestamptz NOT NULL,
    max_per_person     integer NOT NULL DEFAULT 3 CHECK (max_per_person BETWEEN 1 AND 100),
    title_max          integer NOT NULL DEFAULT 120 CHECK (title_max BETWEEN 10 AND 200),
    abstract_max       integer NOT NULL DEFAULT 5000 CHECK (abstract_max BETWEEN 100 AND 20000),
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (closes_at > opens_at),
    CHECK ((kind = 'mc_topic') = (microconference_id IS NOT NULL))
);
CREATE INDEX calls_conference_idx ON calls (conference_id);

CREATE TABLE proposals (
    id                  bigserial PRIMARY KEY,
    public_id           uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    conference_id       bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    call_id             bigint NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    submitter_id        bigint NOT NULL REFERENCES users (id),
    state               text NOT NULL DEFAULT 'draft'
                        CHECK (state IN ('draft', 'submitted', 'withdrawn', 'accepted', 'rejected', 'maybe')),
    title               text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    abstract_md         text NOT NULL DEFAULT '' CHECK (length(abstract_md) <= 20000),
    track_id            bigint REFERENCES tracks (id) ON DELETE SET NULL,
    duration_minutes    integer CHECK (duration_minutes BETWEEN 5 AND 480),
    -- Microconference proposals only.
    key_people          text NOT NULL DEFAULT '' CHECK (length(key_people) <= 2000),
    expected_attendance integer CHECK (expected_attendance BETWEEN 1 AND 10000),
    -- Order of an accepted topic inside its MC (leads set it).
    position            integer,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    submitted_at        timestamptz
);
CREATE INDEX proposals_call_idx ON proposals (call_id, state);
CREATE INDEX proposals_conference_idx ON proposals (conference_id, state);
CREATE INDEX proposals_submitter_idx ON proposals (submitter_id);

ALTER TABLE microconferences
    ADD CONSTRAINT microconferences_proposal_fk FOREIGN KEY (proposal_id) REFERENCES proposals (id) ON DELETE CASCADE;

-- Candidate topics listed in an MC proposal.
CREATE TABLE proposal_topics (
    id          bigserial PRIMARY KEY,
    proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    title       text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    UNIQUE (proposal_id, position)
);

-- Co-speakers and co-leads, invited by email. The submitter is not listed here.
CREATE TABLE proposal_people (
    id                bigserial PRIMARY KEY,
    proposal_id       bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    email             text NOT NULL CHECK (email = lower(email)),
    user_id           bigint REFERENCES users (id) ON DELETE SET NULL,
    status            text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'accepted', 'declined')),
    invite_token_hash bytea NOT NULL UNIQUE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    responded_at      timestamptz,
    UNIQUE (proposal_id, email)
);
CREATE INDEX proposal_people_user_idx ON proposal_people (user_id) WHERE status = 'accepted';
