DROP TABLE notification_templates;
ALTER TABLE microconferences DROP COLUMN comp_passes;
ALTER TABLE conferences DROP COLUMN comp_passes_per_mc;
ALTER TABLE proposals DROP COLUMN decision_released_at, DROP COLUMN decision_note;
DROP TABLE review_conflicts;
DROP TABLE reviews;
ALTER TABLE calls DROP CONSTRAINT calls_review_window, DROP CONSTRAINT calls_score_range,
    DROP COLUMN reviews_visibility, DROP COLUMN anonymised, DROP COLUMN score_labels, DROP COLUMN score_max,
    DROP COLUMN score_min, DROP COLUMN review_closes_at, DROP COLUMN review_opens_at;
DROP TABLE committee_members;
