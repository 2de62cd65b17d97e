ALTER TABLE ticket_types DROP COLUMN for_registrants_of;
ALTER TABLE rooms DROP COLUMN open_to;
ALTER TABLE tracks DROP COLUMN open_to, DROP COLUMN hosted_by;
ALTER TABLE conferences DROP COLUMN co_location_id;
DROP TABLE co_locations;
