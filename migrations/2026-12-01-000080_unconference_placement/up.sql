-- Where a planned unconference session is: a room booking like any other, so
-- the room's exclusion constraint keeps it from being double-booked.
ALTER TABLE unconference_sessions
    ADD COLUMN booking_id bigint REFERENCES room_bookings (id) ON DELETE SET NULL;
