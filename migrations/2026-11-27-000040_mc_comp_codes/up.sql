-- Comp passes that an accepted microconference hands to its speakers.
ALTER TABLE comp_codes ADD COLUMN microconference_id bigint REFERENCES microconferences (id) ON DELETE SET NULL;
CREATE INDEX comp_codes_microconference_idx ON comp_codes (microconference_id) WHERE microconference_id IS NOT NULL;
