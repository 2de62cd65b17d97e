DROP TABLE schedule_stars;
DROP TABLE schedule_versions;
ALTER TABLE room_bookings DROP COLUMN schedule_item_id;
DROP TABLE schedule_items;
