-- The schedule editor's undo (issue 19): every placement change remembers
-- where the item was before, per organiser, so "undo" puts it back through
-- the same room constraint.
CREATE TABLE schedule_moves (
    id            bigserial PRIMARY KEY,
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    item_id       bigint NOT NULL REFERENCES schedule_items (id) ON DELETE CASCADE,
    user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Where it was: all three set, or none (it was not placed).
    room_id       bigint REFERENCES rooms (id) ON DELETE CASCADE,
    starts_at     timestamptz,
    ends_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((room_id IS NULL) = (starts_at IS NULL) AND (starts_at IS NULL) = (ends_at IS NULL))
);
CREATE INDEX schedule_moves_last_idx ON schedule_moves (conference_id, user_id, id DESC);
