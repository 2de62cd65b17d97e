-- The schedule: items placed in rooms and times (MC blocks, talks, and items
-- organisers create), published as numbered versions. A placed item occupies
-- its room through a row in room_bookings, so the schedule and attendees'
-- bookings share one timeline and one exclusion constraint: a room is never
-- used twice at once, whoever asks.

CREATE TABLE schedule_items (
    id            bigserial PRIMARY KEY,
    -- The GUID of the session in every export; it never changes.
    public_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('microconference', 'talk', 'keynote', 'tutorial', 'break', 'other')),
    -- Accepted MC or talk proposals become items; organisers' own items have none.
    proposal_id   bigint UNIQUE REFERENCES proposals (id) ON DELETE CASCADE,
    title         text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
    abstract_md   text NOT NULL DEFAULT '' CHECK (length(abstract_md) <= 20000),
    -- Speakers of organisers' own items (keynotes, tutorials), as shown.
    speakers      text NOT NULL DEFAULT '' CHECK (length(speakers) <= 500),
    track_id      bigint REFERENCES tracks (id) ON DELETE SET NULL,
    room_id       bigint REFERENCES rooms (id) ON DELETE SET NULL,
    starts_at     timestamptz,
    ends_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((starts_at IS NULL) = (ends_at IS NULL)),
    CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '12 hours'),
    CHECK (room_id IS NULL OR starts_at IS NOT NULL)
);
CREATE INDEX schedule_items_conference_idx ON schedule_items (conference_id, starts_at);

-- The room occupancy of a placed item.
ALTER TABLE room_bookings ADD COLUMN schedule_item_id bigint UNIQUE REFERENCES schedule_items (id) ON DELETE CASCADE;

-- Each publication: the whole schedule as published (what the public sees and
-- the exports are built from) and what changed since the previous one.
CREATE TABLE schedule_versions (
    id            bigserial PRIMARY KEY,
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    version       integer NOT NULL CHECK (version > 0),
    published_at  timestamptz NOT NULL DEFAULT now(),
    published_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    snapshot      jsonb NOT NULL,
    changes       jsonb NOT NULL DEFAULT '[]',
    UNIQUE (conference_id, version)
);

-- Sessions a person starred for "my schedule".
CREATE TABLE schedule_stars (
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    session_guid  uuid NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, session_guid)
);
CREATE INDEX schedule_stars_conference_idx ON schedule_stars (conference_id, user_id);
