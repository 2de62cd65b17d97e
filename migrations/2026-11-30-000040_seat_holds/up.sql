-- Trust before a real event (issue 14): seats go to verified addresses, and an
-- unpaid seat is held only for a while.
--
-- (A registration needs a verified address: the trigger registrations_verified
-- of migration account_trust keeps that.)

-- 2. How long an unpaid seat is held, set by the organisers.
ALTER TABLE registration_settings
    ADD COLUMN hold_hours integer NOT NULL DEFAULT 72 CHECK (hold_hours BETWEEN 1 AND 720);

-- 3. The deadline of an unpaid confirmed seat, fixed when the seat is confirmed
--    (later changes of hold_hours do not move it: it is what the person was
--    told). An organiser's "invoiced" stops the clock as paying does.
ALTER TABLE registrations
    ADD COLUMN hold_expires_at timestamptz,
    ADD COLUMN invoiced_at     timestamptz;

ALTER TABLE registrations DROP CONSTRAINT registrations_payment_status_check;
ALTER TABLE registrations ADD CONSTRAINT registrations_payment_status_check
    CHECK (payment_status IN ('unpaid', 'invoiced', 'paid', 'refunded', 'not_due'));

-- Seats confirmed before this migration get the default hold from now, not
-- from when they were confirmed: nobody lapses the moment this is deployed.
UPDATE registrations r
SET hold_expires_at = now() + make_interval(hours => coalesce(
        (SELECT s.hold_hours FROM registration_settings s WHERE s.conference_id = r.conference_id), 72))
WHERE r.status = 'confirmed' AND r.payment_status = 'unpaid';

-- Every unpaid confirmed seat has a deadline, and nothing else has one.
ALTER TABLE registrations ADD CONSTRAINT registrations_hold_only_unpaid_seats
    CHECK ((status = 'confirmed' AND payment_status = 'unpaid') = (hold_expires_at IS NOT NULL));

-- 4. The waitlist is in order of joining it (waitlisted_at), not of the first
--    registration: a lapsed seat joins at the back.
UPDATE registrations SET waitlisted_at = created_at WHERE status = 'waitlisted' AND waitlisted_at IS NULL;
ALTER TABLE registrations ADD CONSTRAINT registrations_waitlisted_since
    CHECK (status <> 'waitlisted' OR waitlisted_at IS NOT NULL);
DROP INDEX registrations_waitlist_idx;
CREATE INDEX registrations_waitlist_idx ON registrations (conference_id, waitlisted_at, id)
    WHERE status = 'waitlisted';

-- The lapse sweep looks for run-out holds across conferences.
CREATE INDEX registrations_holds_idx ON registrations (hold_expires_at)
    WHERE hold_expires_at IS NOT NULL AND checked_in_at IS NULL;
