-- Collecting the fee (issue 18): card payment through Stripe Checkout, bank
-- transfer with a checksummed reference, receipts numbered without gaps, refunds.
-- Money is integer minor units everywhere.

-- Who is paid, as receipts print it, and where bank transfers go. One row per
-- conference; receipt numbers come from last_receipt_number under its row lock,
-- in the transaction that records the payment, so they have no gaps.
CREATE TABLE payment_settings (
    conference_id       bigint PRIMARY KEY REFERENCES conferences (id) ON DELETE CASCADE,
    legal_name          text NOT NULL DEFAULT '' CHECK (length(legal_name) <= 200),
    address             text NOT NULL DEFAULT '' CHECK (length(address) <= 1000),
    tax_id              text NOT NULL DEFAULT '' CHECK (length(tax_id) <= 100),
    bank_details        text NOT NULL DEFAULT '' CHECK (length(bank_details) <= 1000),
    last_receipt_number integer NOT NULL DEFAULT 0 CHECK (last_receipt_number >= 0),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- A ticket type may be paid by bank transfer as well as by card.
ALTER TABLE ticket_types ADD COLUMN bank_transfer boolean NOT NULL DEFAULT false;

ALTER TABLE registrations DROP CONSTRAINT registrations_payment_status_check;
ALTER TABLE registrations ADD CONSTRAINT registrations_payment_status_check
    CHECK (payment_status IN ('unpaid', 'invoiced', 'paid', 'partially_refunded', 'refunded', 'not_due'));

ALTER TABLE registrations
    ADD COLUMN amount_paid_minor     bigint NOT NULL DEFAULT 0 CHECK (amount_paid_minor >= 0),
    ADD COLUMN amount_refunded_minor bigint NOT NULL DEFAULT 0 CHECK (amount_refunded_minor >= 0),
    ADD COLUMN payment_method text CHECK (payment_method IN ('card', 'bank_transfer', 'manual')),
    -- What the attendee writes on a bank transfer, e.g. LPC-7K3Q-9.
    ADD COLUMN transfer_reference text UNIQUE CHECK (transfer_reference ~ '^[A-Z]{1,4}-[0-9A-Z]{4}-[0-9A-Z]$'),
    ADD CONSTRAINT registrations_refund_within_paid CHECK (amount_refunded_minor <= amount_paid_minor);

-- A card payment's reference is Stripe's payment intent: one registration each.
CREATE UNIQUE INDEX registrations_payment_intent_idx ON registrations (payment_reference)
    WHERE payment_method = 'card';

-- Receipts: numbered per conference without gaps. A number is taken from
-- payment_settings.last_receipt_number under its row lock, in the statement
-- that records the payment.
CREATE TABLE receipts (
    registration_id bigint PRIMARY KEY REFERENCES registrations (id) ON DELETE CASCADE,
    conference_id   bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    number          integer NOT NULL CHECK (number > 0),
    issued_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conference_id, number)
);

-- Something about a registration's money an organiser must look at (a wrong
-- amount, a second payment, a payment after the seat lapsed).
CREATE TABLE payment_flags (
    id              bigserial PRIMARY KEY,
    registration_id bigint NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    note            text NOT NULL CHECK (length(note) BETWEEN 1 AND 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    cleared_at      timestamptz,
    cleared_by      bigint REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX payment_flags_open_idx ON payment_flags (registration_id) WHERE cleared_at IS NULL;

-- Registrations marked paid before this migration get the fee as the amount and a receipt.
UPDATE registrations SET amount_paid_minor = fee_minor, payment_method = 'manual'
WHERE payment_status IN ('paid', 'refunded') AND fee_minor > 0;
UPDATE registrations SET amount_refunded_minor = amount_paid_minor WHERE payment_status = 'refunded';
INSERT INTO receipts (registration_id, conference_id, number, issued_at)
SELECT id, conference_id, row_number() OVER (PARTITION BY conference_id ORDER BY paid_at, id), coalesce(paid_at, now())
FROM registrations WHERE payment_method IS NOT NULL;
INSERT INTO payment_settings (conference_id, last_receipt_number)
SELECT c.id, coalesce((SELECT max(number) FROM receipts r WHERE r.conference_id = c.id), 0) FROM conferences c;

ALTER TABLE registrations ADD CONSTRAINT registrations_paid_amount
    CHECK (payment_status NOT IN ('paid', 'partially_refunded', 'refunded') OR fee_minor = 0 OR amount_paid_minor > 0);

-- Every Stripe Checkout Session made for a registration. The idempotency key
-- is derived from the registration and a count, so a retried request (a
-- timeout, a double click) gets the same session back from Stripe.
CREATE TABLE checkout_sessions (
    id              bigserial PRIMARY KEY,
    registration_id bigint NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    stripe_id       text NOT NULL UNIQUE,
    url             text NOT NULL,
    amount_minor    bigint NOT NULL CHECK (amount_minor > 0),
    currency        text NOT NULL,
    idempotency_key text NOT NULL UNIQUE,
    expires_at      timestamptz NOT NULL,
    state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'complete', 'expired')),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkout_sessions_registration_idx ON checkout_sessions (registration_id, created_at DESC);

-- Webhook events already handled: a replay (same event id) changes nothing.
CREATE TABLE stripe_events (
    event_id    text PRIMARY KEY,
    kind        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

-- Refunds, from the desk, from a payment that came after its seat lapsed, or
-- reported by Stripe. A card refund is 'pending' until Stripe accepted it (the
-- worker retries with the same idempotency key); others are 'manual' (paid
-- back by the organisers outside Plumbline).
CREATE TABLE refunds (
    id              bigserial PRIMARY KEY,
    public_id       uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    registration_id bigint NOT NULL REFERENCES registrations (id) ON DELETE CASCADE,
    -- The card payment it returns money of ('' for money paid otherwise).
    payment_intent  text NOT NULL DEFAULT '',
    amount_minor    bigint NOT NULL CHECK (amount_minor > 0),
    currency        text NOT NULL,
    -- organiser and stripe count against the registration's payment; the
    -- others return money that never counted (after a lapse, a second
    -- payment, the wrong currency).
    reason          text NOT NULL CHECK (reason IN ('organiser', 'stripe', 'seat_lapsed', 'duplicate', 'wrong_currency')),
    state           text NOT NULL CHECK (state IN ('pending', 'succeeded', 'failed', 'manual')),
    stripe_refund_id text UNIQUE,
    idempotency_key text NOT NULL UNIQUE,
    attempts        integer NOT NULL DEFAULT 0,
    last_error      text NOT NULL DEFAULT '',
    requested_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    settled_at      timestamptz
);
CREATE INDEX refunds_pending_idx ON refunds (created_at) WHERE state = 'pending';
CREATE INDEX refunds_registration_idx ON refunds (registration_id);

-- Lines of imported bank statements. Importing the same statement twice adds
-- nothing (line_key is a hash of the line's fields and its place among equal lines).
CREATE TABLE bank_lines (
    id              bigserial PRIMARY KEY,
    public_id       uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    conference_id   bigint NOT NULL REFERENCES conferences (id) ON DELETE CASCADE,
    line_key        text NOT NULL,
    booked_on       date NOT NULL,
    amount_minor    bigint NOT NULL,
    currency        text NOT NULL,
    reference       text NOT NULL CHECK (length(reference) <= 500),
    payer           text NOT NULL CHECK (length(payer) <= 300),
    registration_id bigint REFERENCES registrations (id) ON DELETE SET NULL,
    confirmed_at    timestamptz,
    confirmed_by    bigint REFERENCES users (id) ON DELETE SET NULL,
    imported_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conference_id, line_key),
    CHECK (confirmed_at IS NULL OR registration_id IS NOT NULL)
);
CREATE INDEX bank_lines_conference_idx ON bank_lines (conference_id, booked_on DESC, id);
