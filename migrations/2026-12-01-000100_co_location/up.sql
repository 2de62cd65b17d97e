-- Co-located events (Plumbers beside LinuxCon): parallel but separate
-- conferences, each with its own registration, cap, fees and organisers,
-- grouped by a site admin. A conference is in at most one group.
CREATE TABLE co_locations (
    id          bigserial PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE conferences ADD COLUMN co_location_id bigint REFERENCES co_locations (id) ON DELETE SET NULL;
CREATE INDEX conferences_co_location_idx ON conferences (co_location_id) WHERE co_location_id IS NOT NULL;

-- A track belongs to the conference whose call and committee select it; it
-- may be held at a co-located conference (its sessions then appear in that
-- conference's schedule too). `open_to`: who may attend, registrants of the
-- selecting conference only, or of either event.
ALTER TABLE tracks
    ADD COLUMN hosted_by bigint REFERENCES conferences (id) ON DELETE SET NULL,
    ADD COLUMN open_to text NOT NULL DEFAULT 'own' CHECK (open_to IN ('own', 'co_located')),
    ADD CONSTRAINT tracks_hosted_elsewhere CHECK (hosted_by IS DISTINCT FROM conference_id);

-- A room open to co-located registrants may be booked by them too; others
-- only by the room's own conference's registrants.
ALTER TABLE rooms ADD COLUMN open_to text NOT NULL DEFAULT 'own' CHECK (open_to IN ('own', 'co_located'));

-- A bundle price: a ticket type on sale only to people with a confirmed
-- registration at another (co-located) conference.
ALTER TABLE ticket_types
    ADD COLUMN for_registrants_of bigint REFERENCES conferences (id) ON DELETE SET NULL,
    ADD CONSTRAINT ticket_types_bundle_elsewhere CHECK (for_registrants_of IS DISTINCT FROM conference_id);
