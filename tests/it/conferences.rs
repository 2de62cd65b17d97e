use crate::support::{link_in, TestApp, PASSWORD};

fn conference_fields(slug: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("name", "Linux Plumbers Conference 2027"),
        ("slug", slug),
        ("venue", "Prague Congress Centre"),
        ("time_zone", "Europe/Prague"),
        ("starts_on", "2027-09-18"),
        ("ends_on", "2027-09-20"),
        ("attendance_cap", "300"),
        ("currency", "usd"),
    ]
}

#[test]
fn site_admin_creates_a_conference_with_a_public_home_page() {
    let app = TestApp::start();
    let admin = app.logged_in("admin@example.org", "Ada Admin", true);
    assert_eq!(admin.get("/admin/conferences/new").status, 200);
    let r = admin.post_form("/admin/conferences", &conference_fields("lpc-2027"));
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.location(), "/c/lpc-2027");

    let public = app.client().get("/c/lpc-2027");
    assert_eq!(public.status, 200);
    assert!(public.body.contains("Linux Plumbers Conference 2027"));
    assert!(public.body.contains("Sat 18 Sep – Mon 20 Sep 2027"));
    assert!(public.body.contains("Europe/Prague (UTC+02:00)"), "the time zone is named");
    assert!(app.client().get("/").body.contains("/c/lpc-2027"));

    // The same slug again: 409 with the form kept.
    let r = admin.post_form("/admin/conferences", &conference_fields("lpc-2027"));
    assert_eq!(r.status, 409);
    assert!(r.body.contains(r#"value="Prague Congress Centre""#));
    assert!(r.body.contains("already taken"));
}

#[test]
fn conference_form_errors_are_shown_with_the_input() {
    let app = TestApp::start();
    let admin = app.logged_in("admin@example.org", "Ada Admin", true);
    let mut fields = conference_fields("Bad Slug!");
    fields[3] = ("time_zone", "Mars/Olympus_Mons");
    fields[5] = ("ends_on", "2027-09-01");
    fields[6] = ("attendance_cap", "-5");
    let r = admin.post_form("/admin/conferences", &fields);
    assert_eq!(r.status, 422);
    for f in ["slug", "time_zone", "ends_on", "attendance_cap"] {
        assert!(r.body.contains(&format!(r#"id="{f}-error""#)), "error for {f}");
    }
    assert!(r.body.contains(r#"value="Mars/Olympus_Mons""#));
    assert_eq!(app.client().get("/c/bad-slug").status, 404);
}

#[test]
fn only_site_admins_create_conferences() {
    let app = TestApp::start();
    let user = app.logged_in("user@example.org", "Plain User", false);
    assert_eq!(user.get("/admin/conferences/new").status, 403);
    assert_eq!(user.post_form("/admin/conferences", &conference_fields("sneaky")).status, 403);
    assert_eq!(app.client().get("/admin/conferences/new").status, 401);
    assert_eq!(app.client().get("/c/sneaky").status, 404);
}

#[test]
fn organisers_are_appointed_by_email() {
    let app = TestApp::start();
    let admin = app.logged_in("admin@example.org", "Ada Admin", true);
    admin.post_form("/admin/conferences", &conference_fields("lpc-2027"));
    app.user("olga@example.org", "Olga Organiser", false);

    // An existing account: the role at once, and a mail.
    let r = admin.post_form("/c/lpc-2027/organisers", &[("email", "Olga@example.org")]);
    assert_eq!(r.status, 303);
    app.mail("olga@example.org", "You are now an organiser");
    assert!(app.client().get("/c/lpc-2027").body.contains("Olga Organiser"));

    // The new organiser can manage the conference; others cannot.
    let olga = app.client();
    assert_eq!(olga.post_form("/login", &[("email", "olga@example.org"), ("password", PASSWORD)]).status, 303);
    assert_eq!(olga.get("/c/lpc-2027/organisers").status, 200);
    let stranger = app.logged_in("stranger@example.org", "Stranger", false);
    assert_eq!(stranger.get("/c/lpc-2027/organisers").status, 403);
    assert_eq!(stranger.post_form("/c/lpc-2027/organisers", &[("email", "stranger@example.org")]).status, 403);

    // No account yet: an invitation that becomes the role once the address is verified.
    assert_eq!(olga.post_form("/c/lpc-2027/organisers", &[("email", "newbie@example.org")]).status, 303);
    app.mail("newbie@example.org", "invited to organise");
    let newbie = app.client();
    newbie.post_form("/signup", &[("name", "New Bie"), ("email", "newbie@example.org"), ("password", PASSWORD)]);
    let link = link_in(&app.mail("newbie@example.org", "Confirm"), &format!("{}/verify", app.base));
    assert_eq!(newbie.confirm_address(&link, PASSWORD).status, 303);
    assert!(app.client().get("/c/lpc-2027").body.contains("New Bie"));

    // Bad input comes back with a message and the typed value.
    let r = admin.post_form("/c/lpc-2027/organisers", &[("email", "not an email")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"value="not an email""#));
}
