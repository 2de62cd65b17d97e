//! "Copy this conference" (issue 19): what carries over, with every date moved
//! by whole days in the conference's zone, across a DST change.

use crate::registration::conference;
use crate::support::TestApp;
use diesel::prelude::*;
use diesel::sql_types::Text;

#[derive(QueryableByName, Debug, PartialEq)]
struct Row {
    #[diesel(sql_type = Text)]
    v: String,
}

fn texts(app: &TestApp, sql: &str) -> Vec<String> {
    diesel::sql_query(sql).load::<Row>(&mut app.db.conn()).unwrap().into_iter().map(|r| r.v).collect()
}

#[test]
fn a_copy_moves_every_date_by_the_same_local_days_and_leaves_people_behind() {
    let app = TestApp::start();
    let (admin, tt) = conference(&app, "lpc2027", "Europe/Vienna", 500);
    // A tier that starts before the spring change and ends after it (local times).
    let r = admin.post_form(
        &format!("/c/lpc2027/manage/registration/ticket-types/{tt}/tiers"),
        &[
            ("label", "Early"),
            ("amount", "275"),
            ("valid_from", "2027-03-20T09:00"),
            ("valid_until", "2027-04-10T00:00"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin.post_form(
        "/c/lpc2027/manage/registration/settings",
        &[
            ("opens_at", "2027-03-01T10:00"),
            ("closes_at", "2027-11-01T10:00"),
            ("attendance_cap", "500"),
            ("offer_hours", "48"),
            ("hold_hours", "72"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = admin.post_form(
        "/c/lpc2027/manage/registration/payee",
        &[("legal_name", "Plumbers e.V."), ("address", "Vienna"), ("tax_id", "ATU1"), ("bank_details", "IBAN AT00")],
    );
    assert_eq!(r.status, 303);
    // A call, a track, a room with booking hours, a notification template, a registration (left behind).
    let mut c = app.db.conn();
    diesel::sql_query(
        "WITH conf AS (SELECT id FROM conferences WHERE slug = 'lpc2027') \
         INSERT INTO calls (conference_id, kind, title, description_md, opens_at, closes_at, review_opens_at, review_closes_at, \
                            score_min, score_max, score_labels, reviews_wanted) \
         SELECT id, 'refereed_talk', 'Refereed talks', 'Talks', '2027-03-25 12:00+01', '2027-06-30 23:59+02', \
                '2027-07-01 09:00+02', '2027-07-31 18:00+02', 1, 3, 'No|Maybe|Yes', 4 FROM conf",
    )
    .execute(&mut c)
    .unwrap();
    diesel::sql_query(
        "WITH conf AS (SELECT id FROM conferences WHERE slug = 'lpc2027') \
         INSERT INTO tracks (conference_id, name, position) SELECT id, 'Kernel', 1 FROM conf",
    )
    .execute(&mut c)
    .unwrap();
    diesel::sql_query(
        "WITH conf AS (SELECT id FROM conferences WHERE slug = 'lpc2027') \
         INSERT INTO rooms (conference_id, name, capacity, bookable, position) SELECT id, 'Room 1.61', 20, true, 1 FROM conf",
    )
    .execute(&mut c)
    .unwrap();
    diesel::sql_query(
        "WITH conf AS (SELECT id FROM conferences WHERE slug = 'lpc2027') \
         INSERT INTO room_booking_hours (conference_id, day, opens, closes) SELECT id, '2027-11-18', '08:00', '22:00' FROM conf",
    )
    .execute(&mut c)
    .unwrap();
    diesel::sql_query(
        "WITH conf AS (SELECT id FROM conferences WHERE slug = 'lpc2027') \
         INSERT INTO notification_templates (conference_id, decision, subject, body) \
         SELECT id, 'accepted', 'Yes: {title}', 'Dear {name}' FROM conf",
    )
    .execute(&mut c)
    .unwrap();
    let attendee = app.logged_in("ann@example.org", "Ann", false);
    assert_eq!(attendee.get("/c/lpc2027/manage/copy").status, 403);

    // The form suggests next year.
    let page = admin.get("/c/lpc2027/manage/copy").body;
    assert!(page.contains(r#"value="lpc2028""#) && page.contains(r#"value="2028-11-18""#), "{page}");
    // Two weeks later (so the spring change falls in between), same conference zone.
    let bad = admin.post_form(
        "/c/lpc2027/manage/copy",
        &[("name", "LPC 2027b"), ("slug", "lpc2027"), ("starts_on", "2027-12-02")],
    );
    assert_eq!(bad.status, 422, "a taken slug");
    assert!(bad.body.contains(r#"value="LPC 2027b""#) && bad.body.contains("is taken already"), "{}", bad.body);
    assert_eq!(
        admin.post_form("/c/lpc2027/manage/copy", &[("name", ""), ("slug", "x y"), ("starts_on", "soon")]).status,
        422
    );
    let r = admin.post_form(
        "/c/lpc2027/manage/copy",
        &[("name", "LPC 2027b"), ("slug", "lpc2027b"), ("starts_on", "2027-12-02")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), "/c/lpc2027b/manage");

    let of = |sql: &str| texts(&app, &sql.replace("$NEW", "(SELECT id FROM conferences WHERE slug = 'lpc2027b')"));
    assert_eq!(
        of("SELECT starts_on::text || ' ' || ends_on::text || ' ' || time_zone AS v FROM conferences WHERE id = $NEW"),
        vec!["2027-12-02 2027-12-04 Europe/Vienna"]
    );
    // 09:00 local before the change is 08:00 UTC; 09:00 local after it is 07:00 UTC.
    assert_eq!(
        of("SELECT to_char(lower(f.valid) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' ' || to_char(upper(f.valid) AT TIME ZONE 'Europe/Vienna', 'YYYY-MM-DD HH24:MI') AS v \
            FROM fee_tiers f JOIN ticket_types t ON t.id = f.ticket_type_id WHERE t.conference_id = $NEW"),
        vec!["2027-04-03 07:00 2027-04-24 00:00"]
    );
    assert_eq!(
        of("SELECT to_char(opens_at AT TIME ZONE 'Europe/Vienna', 'MM-DD HH24:MI') || ' ' || to_char(closes_at AT TIME ZONE 'Europe/Vienna', 'MM-DD HH24:MI') || ' ' || \
                   to_char(review_opens_at AT TIME ZONE 'Europe/Vienna', 'MM-DD HH24:MI') AS v FROM calls WHERE conference_id = $NEW"),
        vec!["04-08 12:00 07-14 23:59 07-15 09:00"]
    );
    // Review settings carry over with the call.
    assert_eq!(
        of("SELECT score_min || '..' || score_max || ' ' || score_labels || ' ' || reviews_wanted AS v FROM calls WHERE conference_id = $NEW"),
        vec!["1..3 No|Maybe|Yes 4"]
    );
    assert_eq!(
        of("SELECT to_char(opens_at AT TIME ZONE 'Europe/Vienna', 'MM-DD HH24:MI') || ' ' || offer_hours::text AS v FROM registration_settings WHERE conference_id = $NEW"),
        vec!["03-15 10:00 48"]
    );
    assert_eq!(
        of("SELECT day::text || ' ' || opens::text AS v FROM room_booking_hours WHERE conference_id = $NEW"),
        vec!["2027-12-02 08:00:00"]
    );
    assert_eq!(of("SELECT name AS v FROM rooms WHERE conference_id = $NEW"), vec!["Room 1.61"]);
    assert_eq!(of("SELECT name AS v FROM tracks WHERE conference_id = $NEW"), vec!["Kernel"]);
    assert_eq!(of("SELECT subject AS v FROM notification_templates WHERE conference_id = $NEW"), vec!["Yes: {title}"]);
    assert_eq!(of("SELECT legal_name AS v FROM payment_settings WHERE conference_id = $NEW"), vec!["Plumbers e.V."]);
    assert_eq!(
        of("SELECT name || ' ' || requires_code::text AS v FROM ticket_types WHERE conference_id = $NEW"),
        vec!["Regular false"]
    );
    // People and their things stay behind; the organiser organises the copy.
    let new = "(SELECT id FROM conferences WHERE slug = 'lpc2027b')";
    for table in ["registrations", "proposals", "room_bookings", "schedule_items"] {
        assert_eq!(app.count(&format!("SELECT count(*) AS n FROM {table} WHERE conference_id = {new}")), 0, "{table}");
    }
    assert_eq!(admin.get("/c/lpc2027b/manage").status, 200);
    let fees = app.client().get("/api/v1/conferences/lpc2027b/fees");
    assert_eq!(fees.status, 200);
}
