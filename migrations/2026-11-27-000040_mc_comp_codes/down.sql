ALTER TABLE comp_codes DROP COLUMN microconference_id;
