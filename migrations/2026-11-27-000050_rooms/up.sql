-- Rooms of a conference and on-site room booking. Rooms are general: the
-- schedule puts talks in them too, and a big hall need not be bookable by
-- attendees. "Never double-booked" holds in PostgreSQL, for any number of app
-- instances: an exclusion constraint over (room, time range) of the active
-- bookings. Ranges are half-open [start, end), so back-to-back bookings meet.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE rooms (
    id            bigserial PRIMARY KEY,
    public_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    capacity      integer NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
    equipment     text NOT NULL DEFAULT '' CHECK (length(equipment) <= 500),
    location      text NOT NULL DEFAULT '' CHECK (length(location) <= 200),
    -- Attendees may book it (small rooms); a plenary hall is false.
    bookable      boolean NOT NULL DEFAULT true,
    position      integer NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conference_id, name),
    UNIQUE (conference_id, id)
);

-- How attendees may book, one row per conference (no row: booking not set up).
CREATE TABLE room_booking_settings (
    conference_id       bigint PRIMARY KEY REFERENCES conferences (id) ON DELETE CASCADE,
    slot_minutes        integer NOT NULL DEFAULT 30 CHECK (slot_minutes BETWEEN 5 AND 240),
    max_booking_minutes integer NOT NULL DEFAULT 120 CHECK (max_booking_minutes BETWEEN 5 AND 1440),
    -- Booking for a day opens at 00:00 (conference time) this many days before
    -- it; NULL: every day opens at the start of the conference.
    opens_days_before   integer CHECK (opens_days_before IS NULL OR opens_days_before BETWEEN 0 AND 365),
    max_per_person_day  integer NOT NULL DEFAULT 2 CHECK (max_per_person_day BETWEEN 1 AND 50),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (max_booking_minutes >= slot_minutes)
);

-- Bookable hours per day, as local wall-clock times in the conference's zone.
-- A day without a row is not bookable.
CREATE TABLE room_booking_hours (
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    day           date NOT NULL,
    opens         time NOT NULL,
    closes        time NOT NULL,
    PRIMARY KEY (conference_id, day),
    CHECK (closes > opens)
);

CREATE TABLE room_bookings (
    id            bigserial PRIMARY KEY,
    public_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    conference_id bigint NOT NULL,
    room_id       bigint NOT NULL,
    -- The attendee who booked, or the organiser who blocked the room.
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          text NOT NULL DEFAULT 'booking' CHECK (kind IN ('booking', 'block')),
    title         text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 120),
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 1000),
    proposal_id   bigint REFERENCES proposals (id) ON DELETE SET NULL,
    during        tstzrange NOT NULL CHECK (
                      NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)
                      AND lower_inc(during) AND NOT upper_inc(during)),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    cancelled_at  timestamptz,
    cancelled_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    FOREIGN KEY (conference_id, room_id) REFERENCES rooms (conference_id, id) ON DELETE CASCADE,
    CONSTRAINT room_bookings_no_overlap
        EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (cancelled_at IS NULL)
);
CREATE INDEX room_bookings_conference_idx ON room_bookings USING gist (conference_id, during)
    WHERE cancelled_at IS NULL;
CREATE INDEX room_bookings_user_idx ON room_bookings (user_id, conference_id);
