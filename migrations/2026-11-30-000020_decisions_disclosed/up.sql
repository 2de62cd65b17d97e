-- Decisions stay private until they are released, and decided proposals stay
-- as they were decided.
--
-- 1. One answer to "is this proposal's decision public yet?"
--    (proposal_decision_public) and one view of proposals as the public and
--    their own proposers may see them (proposals_disclosed). Every public or
--    proposer-facing read goes through the view.
-- 2. updated_at is the proposers' last change: a decision never moves it.
-- 3. A decided proposal keeps its title, length and people.
-- 4. The accepted topics of a microconference fit in its time budget, whichever
--    path accepts them, and the budget cannot shrink below them.
--
-- Rules that refuse a change raise check_violation with a named constraint and
-- a message written for people; src/error.rs turns them into a 409.

-- 1. Disclosure ----------------------------------------------------------------

-- "maybe" is the committee's working state: never shown. Accepted and rejected
-- are shown once released; every other state is the proposers' own doing.
CREATE FUNCTION proposal_decision_public(state text, released_at timestamptz) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN state = 'maybe' THEN false
        WHEN state IN ('accepted', 'rejected') THEN released_at IS NOT NULL
        ELSE true
    END
$$;

-- Proposals as the public and their proposers see them: an undisclosed decision
-- reads "submitted", with no note and no position. The position of a released
-- topic is its place among the released topics of its MC (1, 2, 3...), so a gap
-- left by an unreleased one gives nothing away. Review scores are not here.
CREATE VIEW proposals_disclosed AS
SELECT p.id,
       p.public_id,
       p.conference_id,
       p.call_id,
       p.submitter_id,
       CASE WHEN proposal_decision_public(p.state, p.decision_released_at) THEN p.state ELSE 'submitted' END AS state,
       p.title,
       p.abstract_md,
       p.track_id,
       p.duration_minutes,
       p.key_people,
       p.expected_attendance,
       CASE WHEN p.state = 'accepted' AND p.decision_released_at IS NOT NULL AND p.position IS NOT NULL THEN
           (SELECT count(*)::integer FROM proposals q
            WHERE q.call_id = p.call_id AND q.state = 'accepted'
              AND q.decision_released_at IS NOT NULL AND q.position <= p.position)
       END AS position,
       p.created_at,
       p.updated_at,
       p.submitted_at,
       CASE WHEN proposal_decision_public(p.state, p.decision_released_at) THEN p.decision_note ELSE '' END AS decision_note,
       p.decision_released_at
FROM proposals p;

-- 2. A decision does not move updated_at ------------------------------------------

CREATE FUNCTION proposals_decision_keeps_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Deciding (or taking a decision back to "submitted") is not a change the
    -- proposers made; a moved "last change" time would tell them of it.
    IF NEW.state IS DISTINCT FROM OLD.state
       AND (NEW.state IN ('accepted', 'rejected', 'maybe')
            OR (OLD.state IN ('accepted', 'rejected', 'maybe') AND NEW.state = 'submitted')) THEN
        NEW.updated_at := OLD.updated_at;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER proposals_decision_keeps_updated_at
    BEFORE UPDATE OF state ON proposals
    FOR EACH ROW EXECUTE FUNCTION proposals_decision_keeps_updated_at();

-- 3. Decided proposals keep their title, length and people -------------------------

-- The message is the same whatever the decision, and does not name it: the
-- proposers may not know it yet.
CREATE FUNCTION decided_proposal_fixed_message() RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT 'The title, length and people of this proposal are fixed now that it is being decided. '
        || 'Please write to the organisers if one of them must change.'
$$;

CREATE FUNCTION proposals_decided_stay_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The decision path changes the state, the note, the position and the
    -- release, never these; nobody else may change them once decided.
    IF OLD.state IN ('accepted', 'rejected')
       AND (NEW.title IS DISTINCT FROM OLD.title OR NEW.duration_minutes IS DISTINCT FROM OLD.duration_minutes) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'decided_proposal_fixed',
            MESSAGE = decided_proposal_fixed_message();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER proposals_decided_stay_fixed
    BEFORE UPDATE OF title, duration_minutes ON proposals
    FOR EACH ROW EXECUTE FUNCTION proposals_decided_stay_fixed();

-- AFTER, so re-inviting an address already on the list (ON CONFLICT DO NOTHING)
-- is not a change; answering an invitation (UPDATE) stays possible. When the
-- proposal itself is being deleted, its row is gone and the cascade goes on.
CREATE FUNCTION proposal_people_of_decided_stay_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pid bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.proposal_id ELSE NEW.proposal_id END;
BEGIN
    IF EXISTS (SELECT 1 FROM proposals WHERE id = pid AND state IN ('accepted', 'rejected')) THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'decided_proposal_fixed',
            MESSAGE = decided_proposal_fixed_message();
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER proposal_people_of_decided_stay_fixed
    AFTER INSERT OR DELETE ON proposal_people
    FOR EACH ROW EXECUTE FUNCTION proposal_people_of_decided_stay_fixed();

-- 4. The microconference time budget ------------------------------------------------

CREATE FUNCTION proposals_within_microconference_budget() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    mc record;
    used bigint;
BEGIN
    -- Lock the MC: concurrent acceptances in one MC take turns, and each sums
    -- what the previous ones committed (a new snapshot per statement).
    SELECT m.id, m.budget_minutes INTO mc
    FROM calls c JOIN microconferences m ON m.id = c.microconference_id
    WHERE c.id = NEW.call_id
    FOR UPDATE OF m;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT COALESCE(sum(duration_minutes), 0) INTO used
    FROM proposals WHERE call_id = NEW.call_id AND state = 'accepted';
    IF used > mc.budget_minutes THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'microconference_budget',
            MESSAGE = format('Accepting “%s” (%s min) would exceed the microconference''s %s minutes (%s already accepted).',
                             NEW.title, COALESCE(NEW.duration_minutes, 0), mc.budget_minutes,
                             used - COALESCE(NEW.duration_minutes, 0));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER proposals_within_microconference_budget
    AFTER INSERT OR UPDATE OF state, duration_minutes, call_id ON proposals
    FOR EACH ROW WHEN (NEW.state = 'accepted')
    EXECUTE FUNCTION proposals_within_microconference_budget();

CREATE FUNCTION microconference_budget_covers_accepted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used bigint;
BEGIN
    SELECT COALESCE(sum(p.duration_minutes), 0) INTO used
    FROM calls c JOIN proposals p ON p.call_id = c.id AND p.state = 'accepted'
    WHERE c.microconference_id = NEW.id;
    IF used > NEW.budget_minutes THEN
        RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'microconference_budget',
            MESSAGE = format('The accepted topics already take %s minutes: the budget cannot be %s minutes.',
                             used, NEW.budget_minutes);
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER microconference_budget_covers_accepted
    BEFORE UPDATE OF budget_minutes ON microconferences
    FOR EACH ROW EXECUTE FUNCTION microconference_budget_covers_accepted();
