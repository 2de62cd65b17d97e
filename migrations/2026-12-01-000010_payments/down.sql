DROP TABLE bank_lines;
DROP TABLE refunds;
DROP TABLE stripe_events;
DROP TABLE checkout_sessions;
DROP TABLE payment_flags;
DROP TABLE receipts;
DROP INDEX registrations_payment_intent_idx;
ALTER TABLE registrations
    DROP CONSTRAINT registrations_paid_amount,
    DROP CONSTRAINT registrations_refund_within_paid,
    DROP COLUMN transfer_reference,
    DROP COLUMN payment_method,
    DROP COLUMN amount_refunded_minor,
    DROP COLUMN amount_paid_minor;
UPDATE registrations SET payment_status = 'refunded' WHERE payment_status = 'partially_refunded';
ALTER TABLE registrations DROP CONSTRAINT registrations_payment_status_check;
ALTER TABLE registrations ADD CONSTRAINT registrations_payment_status_check
    CHECK (payment_status IN ('unpaid', 'invoiced', 'paid', 'refunded', 'not_due'));
ALTER TABLE ticket_types DROP COLUMN bank_transfer;
DROP TABLE payment_settings;
