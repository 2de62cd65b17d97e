DROP TABLE unconference_interest; DROP TABLE unconference_sessions;
