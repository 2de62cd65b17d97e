DROP TRIGGER reviews_keep_scores ON reviews;
DROP FUNCTION reviews_keep_scores();
ALTER TABLE proposals DROP COLUMN review_scores;
