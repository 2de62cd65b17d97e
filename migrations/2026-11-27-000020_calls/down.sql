DROP TABLE proposal_people;
DROP TABLE proposal_topics;
ALTER TABLE microconferences DROP CONSTRAINT microconferences_proposal_fk;
DROP TABLE proposals;
DROP TABLE calls;
DROP TABLE microconference_leads;
DROP TABLE microconferences;
ALTER TABLE conferences DROP COLUMN programme_published;
DROP TABLE tracks;
