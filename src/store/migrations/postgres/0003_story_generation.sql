-- A counter of story decisions, for instances sharing the database. Each poll that creates or
-- extends a story advances it; an instance commits such a poll only if the counter still reads what
-- it read when it last rebuilt its story book, so two instances never place related items into
-- stories each without the other's (two posts of one story, or two updates with one key).
CREATE TABLE story_generation (
    only_row   BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
    generation BIGINT  NOT NULL CHECK (generation >= 0)
);
INSERT INTO story_generation (only_row, generation) VALUES (TRUE, 0);
