-- The organisers' standing order for the unconference planner: every day at
-- a local wall-clock time (the conference's zone), plan the next day.
CREATE TABLE unconference_autoplan (
    conference_id        bigint PRIMARY KEY REFERENCES conferences (id) ON DELETE CASCADE,
    enabled              boolean NOT NULL DEFAULT true,
    run_at               time NOT NULL,
    -- Placed sessions starting more than this many minutes after the run may
    -- move; NULL keeps every placed session where it is.
    move_notice_minutes  integer CHECK (move_notice_minutes IS NULL OR move_notice_minutes BETWEEN 0 AND 10080),
    -- The local date of the last run: claiming a day is one conditional
    -- UPDATE, so several instances run it once.
    last_run_on          date,
    last_summary         text NOT NULL DEFAULT '' CHECK (length(last_summary) <= 2000),
    updated_by           bigint REFERENCES users (id) ON DELETE SET NULL,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
