-- Every score of a proposal, kept on the proposal by a trigger, so the review
-- dashboard reads one row per proposal instead of aggregating every review of
-- the conference on each page view (900 proposals, 10,000 reviews at LPC size).

ALTER TABLE proposals ADD COLUMN review_scores integer[] NOT NULL DEFAULT '{}';

UPDATE proposals p
SET review_scores = s.scores
FROM (SELECT proposal_id, array_agg(score ORDER BY id) AS scores FROM reviews GROUP BY proposal_id) s
WHERE s.proposal_id = p.id;

CREATE FUNCTION reviews_keep_scores() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE proposals SET review_scores = COALESCE(
            (SELECT array_agg(score ORDER BY id) FROM reviews WHERE proposal_id = OLD.proposal_id), '{}')
        WHERE id = OLD.proposal_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE proposals SET review_scores = COALESCE(
            (SELECT array_agg(score ORDER BY id) FROM reviews WHERE proposal_id = NEW.proposal_id), '{}')
        WHERE id = NEW.proposal_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER reviews_keep_scores
    AFTER INSERT OR UPDATE OF score, proposal_id OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION reviews_keep_scores();
