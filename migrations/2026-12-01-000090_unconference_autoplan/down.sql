DROP TABLE unconference_autoplan;
