-- Seats taken (confirmed registrations and live offers) and the waitlist's
-- length, kept on the settings
-- row that every seat decision locks anyway. Counting the registrations inside
-- that lock made each registration cost O(attendees) while the whole
-- conference waited; the counter makes it O(1). The trigger keeps it exact
-- whichever statement changes a status, so no code path can forget it.

ALTER TABLE registration_settings
    ADD COLUMN seats_taken integer NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),
    ADD COLUMN waiting     integer NOT NULL DEFAULT 0 CHECK (waiting >= 0);

UPDATE registration_settings s
SET seats_taken = (SELECT count(*) FROM registrations r
                   WHERE r.conference_id = s.conference_id AND r.status IN ('confirmed', 'offered')),
    waiting     = (SELECT count(*) FROM registrations r
                   WHERE r.conference_id = s.conference_id AND r.status = 'waitlisted');

CREATE FUNCTION registrations_count_seats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    seats integer := 0;
    queue integer := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        seats := seats - (OLD.status IN ('confirmed', 'offered'))::int;
        queue := queue - (OLD.status = 'waitlisted')::int;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        seats := seats + (NEW.status IN ('confirmed', 'offered'))::int;
        queue := queue + (NEW.status = 'waitlisted')::int;
    END IF;
    IF seats <> 0 OR queue <> 0 THEN
        UPDATE registration_settings SET seats_taken = seats_taken + seats, waiting = waiting + queue
        WHERE conference_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.conference_id ELSE NEW.conference_id END;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER registrations_count_seats
    AFTER INSERT OR UPDATE OF status OR DELETE ON registrations
    FOR EACH ROW EXECUTE FUNCTION registrations_count_seats();
