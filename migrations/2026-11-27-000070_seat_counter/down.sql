DROP TRIGGER registrations_count_seats ON registrations;
DROP FUNCTION registrations_count_seats();
ALTER TABLE registration_settings DROP COLUMN seats_taken, DROP COLUMN waiting;
