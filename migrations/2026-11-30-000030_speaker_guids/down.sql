-- The published versions keep their random person GUIDs: the old ones were the leak.
DROP TRIGGER schedule_items_named_speakers ON schedule_items;
DROP FUNCTION schedule_items_named_speakers();
DROP TABLE named_speakers;
DROP FUNCTION speaker_names(text);
