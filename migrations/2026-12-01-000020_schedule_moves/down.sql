DROP TABLE schedule_moves;
