DROP TABLE room_bookings;
DROP TABLE room_booking_hours;
DROP TABLE room_booking_settings;
DROP TABLE rooms;
-- btree_gist stays: the registration schema uses it too.
