-- The microconference ideas board (it replaces the LPC wiki page): anyone with a
-- confirmed address posts an idea for an MC; others support it and volunteer to
-- lead it; organisers merge duplicates and hide abuse; a volunteer turns an idea
-- into a draft MC proposal (idea.proposal_id), once.

-- Each suggested topic is one line of 1 to 200 characters.
CREATE FUNCTION mc_idea_topics_ok(topics text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT cardinality(topics) <= 30
       AND coalesce(bool_and(length(t) BETWEEN 1 AND 200 AND t !~ '[\r\n]'), true)
    FROM unnest(topics) AS t
$$;

CREATE TABLE mc_ideas (
    id            bigserial PRIMARY KEY,
    public_id     uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    author_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title         text NOT NULL CHECK (length(title) BETWEEN 3 AND 200 AND title !~ '[\r\n]'),
    description   text NOT NULL CHECK (length(description) BETWEEN 1 AND 5000),
    topics        text[] NOT NULL DEFAULT '{}' CHECK (mc_idea_topics_ok(topics)),
    -- A duplicate points to the idea it was merged into, in the same conference.
    merged_into   bigint,
    merged_at     timestamptz,
    -- The MC proposal made from it (one idea, one proposal).
    proposal_id   bigint UNIQUE REFERENCES proposals (id) ON DELETE SET NULL,
    hidden_at     timestamptz,
    hidden_by     bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conference_id, id),
    FOREIGN KEY (conference_id, merged_into) REFERENCES mc_ideas (conference_id, id),
    CONSTRAINT mc_ideas_not_merged_into_itself CHECK (merged_into <> id),
    CONSTRAINT mc_ideas_merged_when CHECK ((merged_into IS NULL) = (merged_at IS NULL)),
    -- A proposed idea is not merged away, and a merged one is not proposed.
    CONSTRAINT mc_ideas_merged_or_proposed CHECK (merged_into IS NULL OR proposal_id IS NULL)
);
CREATE INDEX mc_ideas_conference_idx ON mc_ideas (conference_id);
CREATE INDEX mc_ideas_merged_into_idx ON mc_ideas (merged_into) WHERE merged_into IS NOT NULL;

-- Merges stay one level deep: an idea is merged only into one that is not
-- merged itself, and only once nothing is merged into it any more (the app
-- moves those along to the new target first). No chains, no cycles.
CREATE FUNCTION mc_ideas_merge_flat() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.merged_into IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM mc_ideas WHERE id = NEW.merged_into AND merged_into IS NOT NULL) THEN
            RAISE EXCEPTION 'That idea is itself merged into another: merge into that one.'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'mc_idea_merge';
        END IF;
        IF EXISTS (SELECT 1 FROM mc_ideas WHERE merged_into = NEW.id) THEN
            RAISE EXCEPTION 'Other ideas are merged into this one: move them first.'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'mc_idea_merge';
        END IF;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER mc_ideas_merge_flat BEFORE INSERT OR UPDATE OF merged_into ON mc_ideas
    FOR EACH ROW EXECUTE FUNCTION mc_ideas_merge_flat();

-- Who supports an idea; `leads`: they volunteer to lead it, with a short note.
CREATE TABLE mc_idea_supporters (
    idea_id    bigint NOT NULL REFERENCES mc_ideas (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    leads      boolean NOT NULL DEFAULT false,
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (idea_id, user_id),
    CONSTRAINT mc_idea_supporters_note_of_a_lead CHECK (leads OR note = '')
);
CREATE INDEX mc_idea_supporters_user_idx ON mc_idea_supporters (user_id);

CREATE TABLE mc_idea_comments (
    id         bigserial PRIMARY KEY,
    public_id  uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    idea_id    bigint NOT NULL REFERENCES mc_ideas (id) ON DELETE CASCADE,
    author_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    hidden_at  timestamptz,
    hidden_by  bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mc_idea_comments_idea_idx ON mc_idea_comments (idea_id);

-- Only accounts with a confirmed address write on the board (migration account_trust).
CREATE TRIGGER mc_ideas_verified BEFORE INSERT ON mc_ideas
    FOR EACH ROW EXECUTE FUNCTION verified_writer('author_id', 'post an idea');
CREATE TRIGGER mc_idea_supporters_verified BEFORE INSERT ON mc_idea_supporters
    FOR EACH ROW EXECUTE FUNCTION verified_writer('user_id', 'support an idea');
CREATE TRIGGER mc_idea_comments_verified BEFORE INSERT ON mc_idea_comments
    FOR EACH ROW EXECUTE FUNCTION verified_writer('author_id', 'comment');
