-- Weighted review criteria per call (issue 20): each scored on the call's
-- scale; the review's score is their weighted mean, rounded, so every chart,
-- sort and the scores kept on the proposal read one number as before.
CREATE TABLE review_criteria (
    id       bigserial PRIMARY KEY,
    call_id  bigint NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    position integer NOT NULL,
    name     text NOT NULL CHECK (length(name) BETWEEN 1 AND 60 AND name !~ '[|\r\n]'),
    weight   integer NOT NULL CHECK (weight BETWEEN 1 AND 10),
    UNIQUE (call_id, name),
    UNIQUE (call_id, position)
);

CREATE TABLE review_criterion_scores (
    review_id    bigint NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    criterion_id bigint NOT NULL REFERENCES review_criteria (id) ON DELETE CASCADE,
    score        integer NOT NULL CHECK (score BETWEEN -10 AND 10),
    PRIMARY KEY (review_id, criterion_id)
);
