DROP TABLE mc_idea_comments;
DROP TABLE mc_idea_supporters;
DROP TABLE mc_ideas;
DROP FUNCTION mc_ideas_merge_flat();
DROP FUNCTION mc_idea_topics_ok(text[]);
