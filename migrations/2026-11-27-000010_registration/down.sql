DROP TABLE registrations;
DROP TABLE comp_codes;
DROP TABLE fee_tiers;
DROP TABLE ticket_types;
DROP TABLE registration_settings;
-- btree_gist stays: other features (room bookings) may rely on it.
