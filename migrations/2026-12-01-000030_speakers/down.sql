ALTER TABLE outbox DROP CONSTRAINT outbox_attachment_whole,
    DROP COLUMN attachment_body, DROP COLUMN attachment_type, DROP COLUMN attachment_name;
ALTER TABLE conferences DROP COLUMN speaker_reminder_days;
DROP TABLE speaker_confirmations;
