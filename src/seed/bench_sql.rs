//! Bulk inserts for the benchmark conference (`plumbline demo --scale N`).
//!
//! Set-based SQL (`generate_series`), not row-by-row inserts through the use
//! cases: scale 1 is ~60,000 rows and must load in seconds. Every statement
//! takes only integers and the conference id from Rust, bound as parameters.

use diesel::pg::PgConnection;
use diesel::sql_types::{BigInt, Date, Text};
use diesel::{QueryResult, RunQueryDsl};

/// Sizes at scale 1; everything grows linearly with the scale except the
/// pool of writer accounts the write benchmark draws from.
pub struct Sizes {
    pub scale: i64,
    pub microconferences: i64,
    pub topics_per_mc: i64,
    pub talks: i64,
    pub accepted_talks: i64,
    pub unconference: i64,
    pub reviewers: i64,
    pub attendees: i64,
    pub speakers: i64,
    pub halls: i64,
    pub small_rooms: i64,
    pub bookings: i64,
    pub writers: i64,
}

impl Sizes {
    pub fn at(scale: i64) -> Sizes {
        Sizes {
            scale,
            microconferences: 20 * scale,
            topics_per_mc: 15,
            talks: 600 * scale,
            accepted_talks: 180 * scale,
            unconference: 280 * scale,
            reviewers: 30 * scale,
            attendees: 2000 * scale,
            speakers: 1000 * scale,
            halls: 10 * scale,
            small_rooms: 30 * scale,
            bookings: 1500 * scale,
            writers: 40_000,
        }
    }
}

/// Runs set-based statements in order. Each may use `$1`, the conference, and
/// `$2`, the day the data is laid around.
fn run(conn: &mut PgConnection, conference_id: i64, today: chrono::NaiveDate, statements: &[&str]) -> QueryResult<()> {
    for sql in statements {
        diesel::sql_query(*sql).bind::<BigInt, _>(conference_id).bind::<Date, _>(today).execute(conn)?;
    }
    Ok(())
}

/// People: attendees (registered), speakers (proposers, leads), reviewers and
/// writers (fresh accounts with API tokens for the registration benchmark).
/// Tokens and the reviewer's session are derived from fixed strings so the
/// benchmark script can use them: `bench-attendee-{n}`, `bench-writer-{n}`,
/// session cookies `bench-reviewer-session` and `bench-attendee-{n}-session`.
pub fn people(conn: &mut PgConnection, s: &Sizes, password_hash: &str) -> QueryResult<()> {
    for (prefix, count) in
        [("attendee", s.attendees), ("speaker", s.speakers), ("reviewer", s.reviewers), ("writer", s.writers)]
    {
        diesel::sql_query(format!(
            "INSERT INTO users (email, name, affiliation, password_hash, email_verified_at) \
             SELECT '{prefix}' || g || '@bench.example', initcap('{prefix}') || ' ' || g, \
                    (ARRAY['Red Hat','Google','Intel','Meta','SUSE','Canonical','Arm','Oracle'])[g % 8 + 1], $1, now() \
             FROM generate_series(1, {count}) g ON CONFLICT (email) DO NOTHING"
        ))
        .bind::<Text, _>(password_hash)
        .execute(conn)?;
    }
    for prefix in ["attendee", "writer"] {
        diesel::sql_query(format!(
            "INSERT INTO api_tokens (token_hash, user_id) \
             SELECT sha256(convert_to('bench-{prefix}-' || substring(email from '[0-9]+'), 'UTF8')), id \
             FROM users WHERE email LIKE '{prefix}%@bench.example' ON CONFLICT DO NOTHING"
        ))
        .execute(conn)?;
    }
    diesel::sql_query(
        "INSERT INTO sessions (token_hash, user_id, expires_at) \
         SELECT sha256(convert_to('bench-reviewer-session', 'UTF8')), id, now() + interval '30 days' \
         FROM users WHERE email = 'reviewer1@bench.example' ON CONFLICT DO NOTHING",
    )
    .execute(conn)?;
    // Logged-in attendees for the room rush and the logged-in pages.
    diesel::sql_query(
        "INSERT INTO sessions (token_hash, user_id, expires_at) \
         SELECT sha256(convert_to('bench-attendee-' || substring(email from '[0-9]+') || '-session', 'UTF8')), \
                id, now() + interval '30 days' \
         FROM users WHERE email LIKE 'attendee%@bench.example' ON CONFLICT DO NOTHING",
    )
    .execute(conn)?;
    Ok(())
}

/// The organiser's session cookie `bench-organiser-session`, for the organiser pages.
pub fn organiser_session(conn: &mut PgConnection, organiser: i64) -> QueryResult<()> {
    diesel::sql_query(
        "INSERT INTO sessions (token_hash, user_id, expires_at) \
         VALUES (sha256(convert_to('bench-organiser-session', 'UTF8')), $1, now() + interval '30 days') \
         ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(organiser)
    .execute(conn)
    .map(|_| ())
}

/// Tracks, the three calls (open, with review open), the committee.
pub fn calls_and_committee(
    conn: &mut PgConnection,
    s: &Sizes,
    conference_id: i64,
    today: chrono::NaiveDate,
    tracks: &[&str],
) -> QueryResult<()> {
    for (i, t) in tracks.iter().enumerate() {
        diesel::sql_query("INSERT INTO tracks (conference_id, name, position) VALUES ($1, $2, $3)")
            .bind::<BigInt, _>(conference_id)
            .bind::<Text, _>(*t)
            .bind::<diesel::sql_types::Integer, _>(i as i32)
            .execute(conn)?;
    }
    run(
        conn,
        conference_id,
        today,
        &[
            "INSERT INTO calls (conference_id, kind, title, description_md, opens_at, closes_at, \
                                review_opens_at, review_closes_at, anonymised, reviews_visibility) \
             SELECT $1, k, t, 'Proposals for the benchmark conference.', \
                    ($2 - 120)::timestamptz, ($2 + 30)::timestamptz, ($2 - 60)::timestamptz, ($2 + 30)::timestamptz, \
                    true, 'after_own' \
             FROM (VALUES ('microconference', 'Microconferences'), ('refereed_talk', 'Refereed track'), \
                          ('unconference', 'Unconference sessions')) AS v(k, t)",
            &format!(
                "WITH r AS (SELECT id, email FROM users WHERE email LIKE 'reviewer%@bench.example' \
                        AND substring(email from '[0-9]+')::int <= {}) \
             INSERT INTO committee_members (conference_id, email, user_id, status, invite_token_hash) \
             SELECT $1, email, id, 'accepted', sha256(convert_to('bench-invite-' || id, 'UTF8')) FROM r",
                s.reviewers
            ),
            "INSERT INTO conference_roles (conference_id, user_id, role) \
             SELECT $1, user_id, 'reviewer' FROM committee_members WHERE conference_id = $1",
        ],
    )?;
    Ok(())
}

/// Microconference proposals (accepted, released, each a microconference with
/// a lead and a topic call of accepted topics), refereed talks (some accepted)
/// and unconference proposals, with reviews by the committee.
pub fn proposals_and_reviews(
    conn: &mut PgConnection,
    s: &Sizes,
    conference_id: i64,
    today: chrono::NaiveDate,
) -> QueryResult<()> {
    let track = "(SELECT id FROM tracks WHERE conference_id = $1 ORDER BY position \
                  OFFSET (g % (SELECT count(*) FROM tracks WHERE conference_id = $1)) LIMIT 1)";
    let speaker = |modulo: i64| {
        format!("(SELECT id FROM users WHERE email = 'speaker' || (g % {modulo} + 1) || '@bench.example')")
    };
    run(
        conn,
        conference_id,
        today,
        &[
            &format!(
            "INSERT INTO proposals (conference_id, call_id, submitter_id, state, title, abstract_md, track_id, \
                                        key_people, expected_attendance, submitted_at, decision_released_at) \
                 SELECT $1, (SELECT id FROM calls WHERE conference_id = $1 AND kind = 'microconference'), \
                        {}, 'accepted', 'Microconference ' || g, \
                        'The problems microconference ' || g || ' wants to solve, with **emphasis**.', {track}, \
                        'Maintainers of subsystem ' || g, 40 + g % 60, ($2 - 90)::timestamptz, ($2 - 60)::timestamptz \
                 FROM generate_series(1, {}) g",
            speaker(s.speakers),
            s.microconferences
        ),
            "INSERT INTO proposal_topics (proposal_id, position, title, description) \
             SELECT p.id, t, 'Candidate topic ' || t, 'Why topic ' || t || ' matters' \
             FROM proposals p JOIN calls c ON c.id = p.call_id AND c.kind = 'microconference' \
             CROSS JOIN generate_series(1, 5) t WHERE p.conference_id = $1",
            "INSERT INTO microconferences (conference_id, proposal_id, title, description_md, track_id, \
                                           latest_topic_close, comp_passes) \
             SELECT $1, p.id, p.title, p.abstract_md, p.track_id, ($2 + 10)::timestamptz, 3 \
             FROM proposals p JOIN calls c ON c.id = p.call_id AND c.kind = 'microconference' WHERE p.conference_id = $1",
            "INSERT INTO microconference_leads (microconference_id, user_id) \
             SELECT m.id, p.submitter_id FROM microconferences m JOIN proposals p ON p.id = m.proposal_id \
             WHERE m.conference_id = $1",
            "INSERT INTO calls (conference_id, kind, microconference_id, title, opens_at, closes_at) \
             SELECT $1, 'mc_topic', m.id, 'Topics for ' || m.title, ($2 - 60)::timestamptz, ($2 - 5)::timestamptz \
             FROM microconferences m WHERE m.conference_id = $1",
            &format!(
            "INSERT INTO proposals (conference_id, call_id, submitter_id, state, title, abstract_md, track_id, \
                                        duration_minutes, position, submitted_at, decision_released_at) \
                 SELECT $1, c.id, {}, 'accepted', 'Topic ' || t || ' of ' || m.title, \
                        'What topic ' || t || ' of ' || m.title || ' will settle.', m.track_id, 14, t, \
                        ($2 - 40)::timestamptz, ($2 - 3)::timestamptz \
                 FROM microconferences m JOIN calls c ON c.microconference_id = m.id \
                 CROSS JOIN generate_series(1, {}) t CROSS JOIN LATERAL (SELECT m.id * 100 + t AS g) gg \
                 WHERE m.conference_id = $1",
            speaker(s.speakers),
            s.topics_per_mc
        ),
            &format!(
            "INSERT INTO proposals (conference_id, call_id, submitter_id, state, title, abstract_md, track_id, \
                                        duration_minutes, submitted_at, decision_released_at) \
                 SELECT $1, (SELECT id FROM calls WHERE conference_id = $1 AND kind = 'refereed_talk'), {}, \
                        CASE WHEN g <= {} THEN 'accepted' WHEN g % 4 = 0 THEN 'rejected' ELSE 'submitted' END, \
                        'Refereed talk ' || g || ': making subsystem ' || (g % 97) || ' faster', \
                        'We measured subsystem ' || (g % 97) || ' and found the *slow path*. This talk shows the fix.', \
                        {track}, 45, ($2 - 50)::timestamptz + g * interval '1 minute', \
                        CASE WHEN g <= {} OR g % 4 = 0 THEN ($2 - 2)::timestamptz END \
                 FROM generate_series(1, {}) g",
            speaker(s.speakers),
            s.accepted_talks,
            s.accepted_talks,
            s.talks
        ),
            &format!(
            "INSERT INTO proposals (conference_id, call_id, submitter_id, state, title, abstract_md, duration_minutes, \
                                        submitted_at) \
                 SELECT $1, (SELECT id FROM calls WHERE conference_id = $1 AND kind = 'unconference'), {}, 'submitted', \
                        'Unconference ' || g || ': hallway fixes', 'Bring your laptop for fix ' || g || '.', 60, \
                        ($2 - 10)::timestamptz \
                 FROM generate_series(1, {}) g",
            speaker(s.speakers),
            s.unconference
        ),
            // About eleven reviews per committee-reviewed proposal: 10,000 at scale 1.
            &format!(
        "WITH p AS (SELECT p.id, row_number() OVER (ORDER BY p.id) AS n FROM proposals p \
                        JOIN calls c ON c.id = p.call_id AND c.kind <> 'mc_topic' WHERE p.conference_id = $1), \
                  r AS (SELECT user_id AS id, row_number() OVER (ORDER BY user_id) - 1 AS k FROM committee_members \
                        WHERE conference_id = $1) \
             INSERT INTO reviews (proposal_id, reviewer_id, score, comment, note_to_proposer) \
             SELECT p.id, r.id, ((p.n * 31 + r.k * 17) % 5) - 2, 'Review of proposal ' || p.n || ' by reviewer ' || r.k, '' \
             FROM p JOIN r ON r.k IN (SELECT (p.n * 7 + j) % {} FROM generate_series(0, 10 + (p.n % 9 = 0)::int) j)",
        s.reviewers
    ),
            // Each reviewer declares a conflict with a few proposals they did not review.
            "INSERT INTO review_conflicts (proposal_id, user_id, source) \
             SELECT DISTINCT ON (cm.user_id, p.id) p.id, cm.user_id, 'declared' \
             FROM committee_members cm JOIN LATERAL ( \
                 SELECT p.id FROM proposals p JOIN calls c ON c.id = p.call_id AND c.kind = 'refereed_talk' \
                 WHERE p.conference_id = $1 AND NOT EXISTS (SELECT 1 FROM reviews v WHERE v.proposal_id = p.id \
                       AND v.reviewer_id = cm.user_id) ORDER BY (p.id * 7919 + cm.user_id) % 1009 LIMIT 3) p ON true \
             WHERE cm.conference_id = $1",
        ],
    )?;
    Ok(())
}

/// Ticket types, tiers around today and confirmed registrations spread over the
/// last sixty days at the tier then in force (about two thirds paid).
pub fn registrations(
    conn: &mut PgConnection,
    s: &Sizes,
    conference_id: i64,
    today: chrono::NaiveDate,
    time_zone: &str,
) -> QueryResult<()> {
    let midnight = |days: i64| format!("(($2 + {days})::timestamp AT TIME ZONE '{}')", time_zone.replace('\'', ""));
    run(
        conn,
        conference_id,
        today,
        &[
            &format!(
                "INSERT INTO registration_settings (conference_id, opens_at, offer_hours) VALUES ($1, {}, 48)",
                midnight(-100)
            ),
            "INSERT INTO ticket_types (conference_id, name, description, requires_code) \
             SELECT $1, n, d, c FROM (VALUES ('Regular', 'Full access to every track.', false), \
                  ('Student', 'With a valid student ID.', false), \
                  ('Speaker comp pass', 'For microconference speakers.', true)) AS v(n, d, c)",
            &format!(
                "INSERT INTO fee_tiers (ticket_type_id, label, amount_minor, currency, valid) \
                 SELECT t.id, v.label, v.amount, c.currency, tstzrange(v.f, v.u, '[)') \
                 FROM (VALUES ('Regular', 'Early bird', 27500, {}, {}), ('Regular', 'Regular', 30000, {}, {}), \
                              ('Regular', 'Late', 40000, {}, {}), ('Student', 'Student', 10000, {}, {})) \
                      AS v(ticket, label, amount, f, u) \
                 JOIN ticket_types t ON t.conference_id = $1 AND t.name = v.ticket \
                 JOIN conferences c ON c.id = $1",
                midnight(-100),
                midnight(-30),
                midnight(-30),
                midnight(30),
                midnight(30),
                midnight(120),
                midnight(-100),
                midnight(120)
            ),
            &format!(
                "WITH a AS (SELECT id, substring(email from '[0-9]+')::int AS n, name, affiliation FROM users \
                        WHERE email LIKE 'attendee%@bench.example'), \
                  r AS (SELECT a.*, now() - (60 * (a.n::float / {count})) * interval '1 day' AS at, \
                               CASE WHEN a.n % 5 = 3 THEN 'Student' ELSE 'Regular' END AS ticket FROM a) \
             INSERT INTO registrations (conference_id, user_id, ticket_type_id, fee_tier_id, tier_label, fee_minor, \
                                        currency, status, badge_name, affiliation, public_listing, payment_status, \
                                        payment_reference, paid_at, confirmed_at, created_at, hold_expires_at, \
                                        amount_paid_minor, payment_method) \
             SELECT $1, r.id, t.id, f.id, f.label, f.amount_minor, f.currency, 'confirmed', r.name, r.affiliation, \
                    r.n % 2 = 0, CASE WHEN r.n % 3 = 0 THEN 'unpaid' ELSE 'paid' END, \
                    CASE WHEN r.n % 3 = 0 THEN '' ELSE 'BANK-' || r.n END, \
                    CASE WHEN r.n % 3 = 0 THEN NULL ELSE r.at + interval '2 days' END, r.at, r.at, \
                    CASE WHEN r.n % 3 = 0 THEN now() + interval '72 hours' END, \
                    CASE WHEN r.n % 3 = 0 THEN 0 ELSE f.amount_minor END, \
                    CASE WHEN r.n % 3 = 0 THEN NULL ELSE 'bank_transfer' END \
             FROM r JOIN ticket_types t ON t.conference_id = $1 AND t.name = r.ticket \
             JOIN fee_tiers f ON f.ticket_type_id = t.id AND f.valid @> r.at",
                count = s.attendees
            ),
            // Receipts for the paid ones, numbered in the order they paid.
            "INSERT INTO receipts (registration_id, conference_id, number, issued_at) \
             SELECT id, conference_id, row_number() OVER (ORDER BY paid_at, id), paid_at FROM registrations \
             WHERE conference_id = $1 AND payment_method IS NOT NULL",
            "INSERT INTO payment_settings (conference_id, last_receipt_number) \
             SELECT $1, count(*) FROM receipts WHERE conference_id = $1 \
             ON CONFLICT (conference_id) DO UPDATE SET last_receipt_number = excluded.last_receipt_number",
        ],
    )?;
    Ok(())
}

/// Halls for the programme, small bookable rooms, bookable hours 08:00-22:00
/// on every day, and attendees' bookings (no overlaps: the constraint checks).
pub fn rooms_and_bookings(
    conn: &mut PgConnection,
    s: &Sizes,
    conference_id: i64,
    today: chrono::NaiveDate,
    days: i64,
    time_zone: &str,
) -> QueryResult<()> {
    let tz = time_zone.replace('\'', "");
    run(
        conn,
        conference_id,
        today,
        &[
            &format!(
                "INSERT INTO rooms (conference_id, name, capacity, equipment, location, bookable, position) \
                 SELECT $1, 'Hall ' || g, 300, 'Projector, microphones, streaming', 'Ground floor', false, g \
                 FROM generate_series(1, {}) g \
                 UNION ALL \
                 SELECT $1, 'Room ' || g, 12 + g % 10, 'Whiteboard, screen', 'Level ' || (g % 4 + 1), true, 1000 + g \
                 FROM generate_series(1, {}) g",
                s.halls, s.small_rooms
            ),
            "INSERT INTO room_booking_settings (conference_id, slot_minutes, max_booking_minutes, opens_days_before, \
                                                max_per_person_day) VALUES ($1, 30, 120, NULL, 20)",
            &format!(
                "INSERT INTO room_booking_hours (conference_id, day, opens, closes) \
                 SELECT $1, ($2 + d)::date, '08:00', '22:00' FROM generate_series(0, {}) d",
                days - 1
            ),
        ],
    )?;
    // Booking j of a room takes slot position 2j (every other half hour), an
    // hour when j % 4 = 0: they never overlap.
    diesel::sql_query(format!(
        "WITH r AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM rooms \
                    WHERE conference_id = $1 AND bookable), \
              b AS (SELECT g, g % {rooms} AS k, g / {rooms} AS j FROM generate_series(0, {count} - 1) g), \
              t AS (SELECT b.*, ($2 + ((b.j * 2) / 28)::int)::timestamp + interval '8 hours' \
                              + ((b.j * 2) % 28) * interval '30 minutes' AS local_start FROM b) \
         INSERT INTO room_bookings (conference_id, room_id, user_id, kind, title, description, during) \
         SELECT $1, r.id, u.id, 'booking', 'Unconference: topic ' || t.g, 'A hallway session on topic ' || t.g, \
                tstzrange(t.local_start AT TIME ZONE '{tz}', \
                          (t.local_start + CASE WHEN t.j % 4 = 0 THEN interval '60 minutes' \
                                                ELSE interval '30 minutes' END) AT TIME ZONE '{tz}', '[)') \
         FROM t JOIN r ON r.k = t.k \
         JOIN users u ON u.email = 'attendee' || (t.g % {attendees} + 1) || '@bench.example' \
         WHERE (t.j * 2) / 28 < {days}",
        rooms = s.small_rooms,
        count = s.bookings,
        attendees = s.attendees,
    ))
    .bind::<BigInt, _>(conference_id)
    .bind::<Date, _>(today)
    .execute(conn)?;
    Ok(())
}

/// Schedule items for every microconference and accepted talk, placed in the
/// halls: microconferences in the mornings of the first two days, talks in
/// 45-minute slots from the third day. Placement writes the room occupancy
/// too, as `repo::schedule::place` does.
pub fn schedule(
    conn: &mut PgConnection,
    s: &Sizes,
    conference_id: i64,
    first_day: chrono::NaiveDate,
    organiser_id: i64,
    time_zone: &str,
) -> QueryResult<()> {
    let tz = time_zone.replace('\'', "");
    let halls = s.halls;
    diesel::sql_query(format!(
        "WITH h AS (SELECT id, row_number() OVER (ORDER BY position) - 1 AS k FROM rooms \
                    WHERE conference_id = $1 AND NOT bookable), \
              mc AS (SELECT p.id, p.title, p.abstract_md, p.track_id, row_number() OVER (ORDER BY p.id) - 1 AS n \
                     FROM proposals p JOIN calls c ON c.id = p.call_id AND c.kind = 'microconference' \
                     WHERE p.conference_id = $1), \
              talk AS (SELECT p.id, p.title, p.abstract_md, p.track_id, row_number() OVER (ORDER BY p.id) - 1 AS n \
                       FROM proposals p JOIN calls c ON c.id = p.call_id AND c.kind = 'refereed_talk' \
                       WHERE p.conference_id = $1 AND p.state = 'accepted'), \
              placed AS ( \
                SELECT 'microconference' AS kind, mc.id, mc.title, mc.abstract_md, mc.track_id, mc.n % {halls} AS k, \
                       ($2 + ((mc.n / {halls}) % 2)::int)::timestamp + interval '9 hours' AS local_start, 210 AS minutes \
                FROM mc \
                UNION ALL \
                SELECT 'talk', talk.id, talk.title, talk.abstract_md, talk.track_id, talk.n % {halls}, \
                       ($2 + (2 + (talk.n / {halls}) / 12)::int)::timestamp + interval '9 hours' \
                         + ((talk.n / {halls}) % 12) * interval '45 minutes', 45 \
                FROM talk) \
         INSERT INTO schedule_items (conference_id, kind, proposal_id, title, abstract_md, track_id, room_id, \
                                     starts_at, ends_at) \
         SELECT $1, placed.kind, placed.id, placed.title, placed.abstract_md, placed.track_id, h.id, \
                placed.local_start AT TIME ZONE '{tz}', \
                (placed.local_start + placed.minutes * interval '1 minute') AT TIME ZONE '{tz}' \
         FROM placed JOIN h ON h.k = placed.k"
    ))
    .bind::<BigInt, _>(conference_id)
    .bind::<Date, _>(first_day)
    .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO room_bookings (conference_id, room_id, user_id, kind, title, during, schedule_item_id) \
         SELECT conference_id, room_id, $2, 'block', left(title, 120), tstzrange(starts_at, ends_at, '[)'), id \
         FROM schedule_items WHERE conference_id = $1 AND room_id IS NOT NULL",
    )
    .bind::<BigInt, _>(conference_id)
    .bind::<BigInt, _>(organiser_id)
    .execute(conn)?;
    Ok(())
}

/// Five starred sessions per attendee, spread over the schedule: the
/// logged-in pages then have stars to show.
pub fn stars(conn: &mut PgConnection, conference_id: i64) -> QueryResult<()> {
    diesel::sql_query(
        "WITH items AS (SELECT public_id, row_number() OVER (ORDER BY id) - 1 AS n \
                        FROM schedule_items WHERE conference_id = $1 AND starts_at IS NOT NULL), \
              total AS (SELECT greatest(count(*), 1) AS t FROM items) \
         INSERT INTO schedule_stars (user_id, conference_id, session_guid) \
         SELECT u.id, $1, i.public_id FROM users u CROSS JOIN generate_series(0, 4) k CROSS JOIN total \
         JOIN items i ON i.n = (u.id * 7 + k * 97) % total.t \
         WHERE u.email LIKE 'attendee%@bench.example' ON CONFLICT DO NOTHING",
    )
    .bind::<BigInt, _>(conference_id)
    .execute(conn)
    .map(|_| ())
}

/// Vacuum and fresh statistics after the bulk load (outside any transaction),
/// so the planner sees the tables as they are and autovacuum does not start
/// on them in the middle of a measurement.
pub fn vacuum_analyze(conn: &mut PgConnection) -> QueryResult<()> {
    diesel::sql_query("VACUUM (ANALYZE)").execute(conn).map(|_| ())
}
