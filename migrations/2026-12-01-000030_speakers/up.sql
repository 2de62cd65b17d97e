-- Speakers confirm and hear of their slot (issue 19).

-- Each speaker (submitter and accepted co-speakers) of an accepted, released
-- proposal confirms or declines; reminders go after the organisers' number of days.
CREATE TABLE speaker_confirmations (
    id           bigserial PRIMARY KEY,
    proposal_id  bigint NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state        text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'confirmed', 'declined')),
    asked_at     timestamptz NOT NULL DEFAULT now(),
    reminded_at  timestamptz,
    reminders    integer NOT NULL DEFAULT 0 CHECK (reminders >= 0),
    responded_at timestamptz,
    UNIQUE (proposal_id, user_id),
    CHECK ((state = 'pending') = (responded_at IS NULL))
);
CREATE INDEX speaker_confirmations_pending_idx ON speaker_confirmations (asked_at) WHERE state = 'pending';

ALTER TABLE conferences ADD COLUMN speaker_reminder_days integer NOT NULL DEFAULT 7
    CHECK (speaker_reminder_days BETWEEN 1 AND 60);

-- A mail may carry one attachment (a session's .ics).
ALTER TABLE outbox
    ADD COLUMN attachment_name text,
    ADD COLUMN attachment_type text,
    ADD COLUMN attachment_body text,
    ADD CONSTRAINT outbox_attachment_whole CHECK (
        (attachment_name IS NULL) = (attachment_type IS NULL) AND (attachment_name IS NULL) = (attachment_body IS NULL));
