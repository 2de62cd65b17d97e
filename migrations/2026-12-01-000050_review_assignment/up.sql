-- Review at real size (issue 20): how many reviews each call wants, reviewer
-- preferences, conflicts by affiliation, assignments and reminders.

ALTER TABLE calls
    ADD COLUMN reviews_wanted integer NOT NULL DEFAULT 3 CHECK (reviews_wanted BETWEEN 1 AND 20);

-- Same organisation as a proposer is a conflict of interest, when the
-- organisers switch it on (derived in the one conflict query, never stored).
ALTER TABLE conferences
    ADD COLUMN conflict_by_affiliation boolean NOT NULL DEFAULT false;

-- A committee member's wish to review a proposal: -100 (rather not) to 100 (eager).
-- A declared conflict lives in review_conflicts, as before.
CREATE TABLE review_preferences (
    proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    preference  integer NOT NULL CHECK (preference BETWEEN -100 AND 100),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, user_id)
);
CREATE INDEX review_preferences_user_idx ON review_preferences (user_id);

-- Who is asked to review what. A review written without an assignment counts
-- towards a proposal's wanted reviews as well (the assignment reads both).
CREATE TABLE review_assignments (
    proposal_id bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    reviewer_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source      text NOT NULL CHECK (source IN ('manual', 'auto')),
    assigned_by bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, reviewer_id)
);
CREATE INDEX review_assignments_reviewer_idx ON review_assignments (reviewer_id);

-- When a member was last reminded of assigned reviews (at most one a day).
ALTER TABLE committee_members
    ADD COLUMN reminded_at timestamptz;
