ALTER TABLE committee_members DROP COLUMN reminded_at;
DROP TABLE review_assignments;
DROP TABLE review_preferences;
ALTER TABLE conferences DROP COLUMN conflict_by_affiliation;
ALTER TABLE calls DROP COLUMN reviews_wanted;
