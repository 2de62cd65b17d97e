-- Committee review: members (invited, optionally limited to calls or tracks),
-- review settings per call, reviews, conflicts of interest, released decisions
-- and the organisers' notification templates.

CREATE TABLE committee_members (
    id                bigserial PRIMARY KEY,
    conference_id     bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    email             text NOT NULL CHECK (email = lower(email)),
    user_id           bigint REFERENCES users (id) ON DELETE CASCADE,
    status            text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'accepted', 'declined')),
    invite_token_hash bytea NOT NULL UNIQUE,
    -- Empty means every call / every track.
    call_ids          bigint[] NOT NULL DEFAULT '{}',
    track_ids         bigint[] NOT NULL DEFAULT '{}',
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conference_id, email)
);
CREATE INDEX committee_members_user_idx ON committee_members (user_id) WHERE status = 'accepted';

ALTER TABLE calls
    ADD COLUMN review_opens_at    timestamptz,
    ADD COLUMN review_closes_at   timestamptz,
    ADD COLUMN score_min          integer NOT NULL DEFAULT -2,
    ADD COLUMN score_max          integer NOT NULL DEFAULT 2,
    ADD COLUMN score_labels       text NOT NULL DEFAULT 'Strong reject|Reject|Borderline|Accept|Strong accept',
    ADD COLUMN anonymised         boolean NOT NULL DEFAULT true,
    ADD COLUMN reviews_visibility text NOT NULL DEFAULT 'after_own'
        CHECK (reviews_visibility IN ('never', 'after_own', 'always')),
    ADD CONSTRAINT calls_score_range CHECK (score_min < score_max AND score_max - score_min <= 10 AND score_min >= -10 AND score_max <= 10),
    ADD CONSTRAINT calls_review_window CHECK (review_closes_at IS NULL OR review_opens_at IS NULL OR review_closes_at > review_opens_at);

CREATE TABLE reviews (
    id               bigserial PRIMARY KEY,
    proposal_id      bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    reviewer_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    score            integer NOT NULL CHECK (score BETWEEN -10 AND 10),
    comment          text NOT NULL DEFAULT '' CHECK (length(comment) <= 10000),
    note_to_proposer text NOT NULL DEFAULT '' CHECK (length(note_to_proposer) <= 5000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (proposal_id, reviewer_id)
);
CREATE INDEX reviews_reviewer_idx ON reviews (reviewer_id);

-- Declared by the reviewer or set by an organiser; the automatic ones
-- (proposer, co-speaker, lead) are derived, not stored.
CREATE TABLE review_conflicts (
    proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source      text NOT NULL CHECK (source IN ('declared', 'organiser')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, user_id)
);

ALTER TABLE proposals
    ADD COLUMN decision_note        text NOT NULL DEFAULT '' CHECK (length(decision_note) <= 5000),
    ADD COLUMN decision_released_at timestamptz;

ALTER TABLE conferences ADD COLUMN comp_passes_per_mc integer NOT NULL DEFAULT 3 CHECK (comp_passes_per_mc BETWEEN 0 AND 50);
ALTER TABLE microconferences ADD COLUMN comp_passes integer NOT NULL DEFAULT 0 CHECK (comp_passes BETWEEN 0 AND 50);

CREATE TABLE notification_templates (
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    decision      text NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    subject       text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200 AND subject !~ '[\r\n]'),
    body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    PRIMARY KEY (conference_id, decision)
);
