DROP INDEX registrations_holds_idx;
DROP INDEX registrations_waitlist_idx;
CREATE INDEX registrations_waitlist_idx ON registrations (conference_id, id) WHERE status = 'waitlisted';
ALTER TABLE registrations DROP CONSTRAINT registrations_waitlisted_since;
ALTER TABLE registrations DROP CONSTRAINT registrations_hold_only_unpaid_seats;
UPDATE registrations SET payment_status = 'unpaid' WHERE payment_status = 'invoiced';
ALTER TABLE registrations DROP CONSTRAINT registrations_payment_status_check;
ALTER TABLE registrations ADD CONSTRAINT registrations_payment_status_check
    CHECK (payment_status IN ('unpaid', 'paid', 'refunded', 'not_due'));
ALTER TABLE registrations DROP COLUMN invoiced_at, DROP COLUMN hold_expires_at;
ALTER TABLE registration_settings DROP COLUMN hold_hours;
