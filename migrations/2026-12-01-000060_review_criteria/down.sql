DROP TABLE review_criterion_scores; DROP TABLE review_criteria;
