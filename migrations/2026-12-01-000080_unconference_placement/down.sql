ALTER TABLE unconference_sessions DROP COLUMN booking_id;
