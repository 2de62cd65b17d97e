-- Speakers' GUIDs in the public exports (frab XML and JSON) are random and
-- stored, never derived from something about the person: a GUID made from an
-- email address (uuid5 of "acct:<email>") let anyone test whether an address
-- belongs to a speaker, and one made from a name did the same for names.
-- People with an account are known by users.public_id (gen_random_uuid());
-- speakers of the organisers' own items, named in schedule_items.speakers
-- without an account, by a row here, one per conference and name.

-- The names in a speakers list as the schedule shows them: comma-separated,
-- trimmed, in order. The one reading of the list, for the trigger below and
-- the schedule's queries alike.
CREATE FUNCTION speaker_names(speakers text) RETURNS TABLE (name text, ord bigint)
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT btrim(n), ord FROM unnest(string_to_array(speakers, ',')) WITH ORDINALITY AS t(n, ord)
    WHERE btrim(n) <> ''
$$;

CREATE TABLE named_speakers (
    -- The person's id in the exports (frab wants an integer too), offset there
    -- from the ids of people with an account.
    id            bigserial PRIMARY KEY,
    conference_id bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 500),
    guid          uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    UNIQUE (conference_id, name)
);

-- Every name on an item has its GUID from the moment it is written, whoever writes it.
CREATE FUNCTION schedule_items_named_speakers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO named_speakers (conference_id, name)
    SELECT NEW.conference_id, s.name FROM speaker_names(NEW.speakers) s
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER schedule_items_named_speakers AFTER INSERT OR UPDATE OF speakers ON schedule_items
    FOR EACH ROW EXECUTE FUNCTION schedule_items_named_speakers();

INSERT INTO named_speakers (conference_id, name)
SELECT i.conference_id, s.name FROM schedule_items i CROSS JOIN LATERAL speaker_names(i.speakers) s
ON CONFLICT DO NOTHING;

-- The published versions (what the exports are built from) carried the old
-- GUIDs: each person gets their stored one instead.
INSERT INTO named_speakers (conference_id, name)
SELECT DISTINCT v.conference_id, btrim(p ->> 'name')
FROM schedule_versions v
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(v.snapshot) = 'array' THEN v.snapshot ELSE '[]' END) s
CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s -> 'persons') = 'array' THEN s -> 'persons' ELSE '[]' END) p
WHERE jsonb_typeof(p -> 'user_id') IS DISTINCT FROM 'number'
  AND length(btrim(p ->> 'name')) BETWEEN 1 AND 500
ON CONFLICT DO NOTHING;

UPDATE schedule_versions v
SET snapshot = (
    SELECT COALESCE(jsonb_agg(
        CASE WHEN jsonb_typeof(s -> 'persons') = 'array' THEN jsonb_set(s, '{persons}', (
            SELECT COALESCE(jsonb_agg(
                p || jsonb_build_object('guid', who.guid)
                  || CASE WHEN who.named_id IS NULL THEN '{}' ELSE jsonb_build_object('id', 1000000000 + who.named_id) END
                ORDER BY pi), '[]')
            FROM jsonb_array_elements(s -> 'persons') WITH ORDINALITY AS q (p, pi)
            CROSS JOIN LATERAL (
                SELECT COALESCE(u.public_id, g.guid, gen_random_uuid()) AS guid, g.id AS named_id
                FROM (SELECT 1) AS one
                LEFT JOIN users u
                       ON u.id = CASE WHEN jsonb_typeof(p -> 'user_id') = 'number' THEN (p ->> 'user_id')::bigint END
                LEFT JOIN named_speakers g
                       ON jsonb_typeof(p -> 'user_id') IS DISTINCT FROM 'number'
                      AND g.conference_id = v.conference_id AND g.name = btrim(p ->> 'name')
            ) AS who))
        ELSE s END ORDER BY si), '[]')
    FROM jsonb_array_elements(v.snapshot) WITH ORDINALITY AS t (s, si))
WHERE jsonb_typeof(v.snapshot) = 'array';
