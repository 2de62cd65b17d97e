//! Deny by default, checked over every route and every role. The routes are read
//! from the source, so a new route without a line in the table below fails here.

use crate::cfp::{accepted_mc, conference, talk};
use crate::support::{Http, TestApp, PASSWORD};
use diesel::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const ROLES: [&str; 11] = [
    "anonymous",
    "proposer",
    "other proposer",
    "reviewer",
    "conflicted reviewer",
    "MC lead",
    "other MC lead",
    "organiser",
    "attendee",
    "other conference organiser",
    "unverified account",
];

/// The column of an account whose address nobody confirmed: it may use its own
/// account page and nothing else a visitor could not.
const UNVERIFIED: usize = 10;

/// Per route, per role (in ROLES order): A = allowed (not 401/403/404), D = denied
/// (401, 403 or 404), * = either (public or depends on the state). No answer may be 5xx.
/// GETs run first, then POST/DELETE in this order (the destructive ones last).
const TABLE: &str = r#"
GET /                                                   AAAAAAAAAAA
GET /healthz                                            AAAAAAAAAAA
GET /metrics                                            AAAAAAAAAAA
GET /static/{path}                                      AAAAAAAAAAA
GET /login                                              AAAAAAAAAAA
GET /signup                                             AAAAAAAAAAA
GET /verify                                             ***********
GET /password/forgot                                    AAAAAAAAAAA
GET /password/reset                                     ***********
GET /account                                            *AAAAAAAAAA
GET /proposals                                          *AAAAAAAAA*
GET /admin/conferences/new                              DDDDDDDDDDD
GET /admin/outbox                                       DDDDDDDDDDD
GET /invitations/{token}                                DDDDDDDDDDD
GET /committee/{token}                                  DDDDDDDDDDD
GET /c/{slug}                                           AAAAAAAAAAA
GET /c/{slug}/cfp                                       AAAAAAAAAAA
GET /c/{slug}/cfp/{call}                                AAAAAAAAAAA
GET /c/{slug}/cfp/{call}/propose                        *AAAAAAAAA*
GET /c/{slug}/programme                                 AAAAAAAAAAA
GET /c/{slug}/proposals/{id}                            DADDDDDADDD
GET /c/{slug}/proposals/{id}/edit                       DADDDDDDDDD
GET /c/{slug}/organisers                                DDDDDDDADDD
GET /c/{slug}/manage                                    DDDDDDDADDD
GET /c/{slug}/manage/calls                              DDDDDDDADDD
GET /c/{slug}/manage/calls/{call}                       DDDDDDDADDD
GET /c/{slug}/manage/tracks                             DDDDDDDADDD
GET /c/{slug}/manage/proposals                          DDDDDDDADDD
GET /c/{slug}/manage/committee                          DDDDDDDADDD
GET /c/{slug}/manage/decisions                          DDDDDDDADDD
GET /c/{slug}/manage/notifications                      DDDDDDDADDD
GET /c/{slug}/manage/reviews.csv                        DDDDDDDADDD
GET /c/{slug}/manage/schedule                           DDDDDDDADDD
GET /c/{slug}/manage/registration                       DDDDDDDADDD
GET /c/{slug}/manage/registration/attendees             DDDDDDDADDD
GET /c/{slug}/manage/registration/attendees.csv         DDDDDDDADDD
GET /c/{slug}/manage/registration/codes                 DDDDDDDADDD
GET /c/{slug}/manage/registration/tiers/{id}            DDDDDDDADDD
GET /c/{slug}/manage/rooms                              DDDDDDDADDD
GET /c/{slug}/manage/rooms/{room}                       DDDDDDDADDD
GET /c/{slug}/manage/rooms/bookings                     DDDDDDDADDD
GET /c/{slug}/manage/rooms/bookings/{id}/move           DDDDDDDADDD
GET /c/{slug}/review                                    DDDAADDADDD
GET /c/{slug}/review/next                               DDDAADDADDD
GET /c/{slug}/review/{id}                               DDDADDDADDD
GET /c/{slug}/mc/{mc}                                   DDDDDADADDD
GET /c/{slug}/mc/{mc}/manage                            DDDDDADADDD
GET /c/{slug}/mc/{mc}/review                            DDDDDADADDD
GET /c/{slug}/register                                  *AAAAAAAAA*
GET /c/{slug}/registration                              *AAAAAAAAA*
GET /c/{slug}/registrations/{id}                        DDDDDDDAADD
GET /c/{slug}/attendees                                 AAAAAAAAAAA
GET /c/{slug}/rooms                                     AAAAAAAAAAA
GET /c/{slug}/rooms/book                                *AAAAAAAAA*
GET /c/{slug}/rooms/mine                                *AAAAAAAAA*
GET /c/{slug}/rooms.ics                                 AAAAAAAAAAA
GET /c/{slug}/rooms/{room}/bookings.ics                 AAAAAAAAAAA
GET /c/{slug}/board                                     AAAAAAAAAAA
GET /c/{slug}/schedule                                  AAAAAAAAAAA
GET /c/{slug}/schedule.ics                              AAAAAAAAAAA
GET /c/{slug}/schedule.xml                              AAAAAAAAAAA
GET /c/{slug}/schedule.json                             AAAAAAAAAAA
GET /c/{slug}/session/{guid}                            AAAAAAAAAAA
GET /c/{slug}/my-schedule                               *AAAAAAAAA*
GET /c/{slug}/my-schedule/{user}/{key}                  DDDDDDDDDDD
GET /api/v1/conferences                                 AAAAAAAAAAA
GET /api/v1/me                                          DAAAAAAAAAD
GET /api/v1/conferences/{slug}/proposals                DAAAAAAAAAD
GET /api/v1/conferences/{slug}/microconferences         AAAAAAAAAAA
GET /api/v1/conferences/{slug}/reviews                  DDDAADDADDD
GET /api/v1/conferences/{slug}/schedule                 AAAAAAAAAAA
GET /api/v1/conferences/{slug}/fees                     AAAAAAAAAAA
GET /api/v1/conferences/{slug}/registrations            DDDDDDDADDD
GET /api/v1/conferences/{slug}/registrations/me         D*******A*D
GET /api/v1/conferences/{slug}/registrations/{id}       DDDDDDDAADD
GET /api/v1/conferences/{slug}/rooms                    AAAAAAAAAAA
GET /api/v1/conferences/{slug}/rooms/{room}/bookings    AAAAAAAAAAA
POST /signup                                            ***********
POST /login                                             ***********
POST /password/forgot                                   ***********
POST /password/reset                                    ***********
POST /verify                                        ***********
POST /account/profile                                   DAAAAAAAAAA
POST /account/password                                  DAAAAAAAAAA
POST /account/tokens                                    DAAAAAAAAAD
POST /account/tokens/{id}/revoke                    DDDDDDDDDDD
POST /account/verify                                    DAAAAAAAAAA
POST /admin/conferences                                 DDDDDDDDDDD
POST /admin/outbox/{id}/resend                          DDDDDDDDDDD
POST /invitations/{token}                               DDDDDDDDDDD
POST /committee/{token}                                 DDDDDDDDDDD
POST /c/{slug}/cfp/{call}/propose                       DAAAAAAAAAD
POST /c/{slug}/proposals/{id}/edit                      DADDDDDDDDD
POST /c/{slug}/proposals/{id}/decision                  DDDDDDDADDD
POST /c/{slug}/proposals/{id}/conflicts                 DDDDDDDADDD
POST /c/{slug}/organisers                               DDDDDDDADDD
POST /c/{slug}/manage/calls                             DDDDDDDADDD
POST /c/{slug}/manage/calls/{call}                      DDDDDDDADDD
POST /c/{slug}/manage/tracks                            DDDDDDDADDD
POST /c/{slug}/manage/committee                         DDDDDDDADDD
POST /c/{slug}/manage/decisions                         DDDDDDDADDD
POST /c/{slug}/manage/notifications                     DDDDDDDADDD
POST /c/{slug}/manage/schedule/items                    DDDDDDDADDD
POST /c/{slug}/manage/schedule/items/{id}/place         DDDDDDDADDD
POST /c/{slug}/manage/registration/settings             DDDDDDDADDD
POST /c/{slug}/manage/registration/ticket-types         DDDDDDDADDD
POST /c/{slug}/manage/registration/ticket-types/{id}/tiers DDDDDDDADDD
POST /c/{slug}/manage/registration/tiers/{id}           DDDDDDDADDD
POST /c/{slug}/manage/registration/codes                DDDDDDDADDD
POST /c/{slug}/manage/rooms                             DDDDDDDADDD
POST /c/{slug}/manage/rooms/settings                    DDDDDDDADDD
POST /c/{slug}/manage/rooms/{room}                      DDDDDDDADDD
POST /c/{slug}/manage/rooms/blocks                      DDDDDDDADDD
POST /c/{slug}/manage/rooms/bookings/{id}/move          DDDDDDDADDD
POST /c/{slug}/review/{id}                              DDDADDDADDD
POST /c/{slug}/mc/{mc}/window                           DDDDDADADDD
POST /c/{slug}/mc/{mc}/topics/{id}/move                 DDDDDADADDD
POST /c/{slug}/mc/{mc}/topics/{id}/decision             DDDDDADADDD
POST /c/{slug}/mc/{mc}/release                          DDDDDADADDD
POST /c/{slug}/session/{guid}/star                      DAAAAAAAAAD
POST /c/{slug}/register                                 DAAAAAAAAAD
POST /c/{slug}/rooms/book                               D*******A*D
POST /api/v1/conferences/{slug}/registrations           D*******A*D
POST /api/v1/conferences/{slug}/bookings                D*******A*D
POST /c/{slug}/manage/schedule/import                   DDDDDDDADDD
POST /c/{slug}/manage/schedule/publish                  DDDDDDDADDD
POST /c/{slug}/manage/programme                         DDDDDDDADDD
POST /c/{slug}/manage/release                           DDDDDDDADDD
POST /c/{slug}/manage/registration/attendees/{id}/{action} DDDDDDDADDD
POST /c/{slug}/review/{id}/conflict                     DDDADDDADDD
POST /c/{slug}/manage/schedule/items/{id}/unplace       DDDDDDDADDD
POST /c/{slug}/proposals/{id}/submit                    DADDDDDDDDD
POST /c/{slug}/proposals/{id}/withdraw                  DADDDDDDDDD
POST /c/{slug}/rooms/bookings/{id}/cancel               DDDDDDDAADD
DELETE /api/v1/conferences/{slug}/bookings/{id}         DDDDDDDAADD
POST /c/{slug}/registration/accept                      D*******A*D
POST /c/{slug}/registration/cancel                      D*******A*D
DELETE /api/v1/conferences/{slug}/registrations/me      D*********D
POST /c/{slug}/manage/tracks/{id}/delete                DDDDDDDADDD
POST /c/{slug}/manage/rooms/{room}/delete               DDDDDDDADDD
POST /c/{slug}/manage/registration/tiers/{id}/delete    DDDDDDDADDD
POST /c/{slug}/manage/schedule/items/{id}/delete        DDDDDDDADDD
POST /logout                                            ***********
"#;

/// Every (method, path) the app serves, read from src/routes.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let route = regex::Regex::new(r#"\.route\(\s*"([^"]+)",\s*web::(get|post|delete|put)\(\)"#).unwrap();
    let attr = regex::Regex::new(r#"#\[(get|post)\("([^"]+)"\)\]"#).unwrap();
    let mut out = BTreeSet::new();
    let mut dirs = vec![std::path::PathBuf::from("src/routes")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            let src = std::fs::read_to_string(&p).unwrap();
            let prefix = if p.ends_with("api.rs") { "/api/v1" } else { "" };
            // Routes in a `conference_routes` function are mounted in the /c/{slug} scope.
            let (outside, inside) = match src.find("fn conference_routes(") {
                Some(at) => {
                    let end = src[at..].find("\n}\n").map(|e| at + e).unwrap_or(src.len());
                    (format!("{}{}", &src[..at], &src[end..]), src[at..end].to_string())
                }
                None => (src.clone(), String::new()),
            };
            for c in route.captures_iter(&outside) {
                out.insert((c[2].to_uppercase(), format!("{prefix}{}", &c[1])));
            }
            for c in route.captures_iter(&inside) {
                out.insert((c[2].to_uppercase(), format!("/c/{{slug}}{}", &c[1])));
            }
            for c in attr.captures_iter(&src) {
                out.insert((c[1].to_uppercase(), c[2].to_string()));
            }
        }
    }
    out
}

fn table() -> Vec<(String, String, Vec<char>)> {
    TABLE
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(parts.len(), 3, "bad table line {l:?}");
            let expect: Vec<char> = parts[2].chars().collect();
            assert_eq!(expect.len(), ROLES.len(), "{l}");
            (parts[0].to_string(), parts[1].to_string(), expect)
        })
        .collect()
}

#[test]
fn every_route_has_an_access_rule() {
    let listed: BTreeSet<(String, String)> = table().into_iter().map(|(m, p, _)| (m, p)).collect();
    let served = routes_in_source();
    let missing: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(missing.is_empty(), "routes without an access rule in tests/it/access.rs: {missing:?}");
    assert!(stale.is_empty(), "rules for routes that no longer exist: {stale:?}");
}

struct Who {
    http: Option<Http>,
    token: Option<String>,
}

fn person(app: &TestApp, email: &str, name: &str) -> Who {
    let id = app.user(email, name, false);
    let http = app.client();
    assert_eq!(http.post_form("/login", &[("email", email), ("password", PASSWORD)]).status, 303);
    Who { http: Some(http), token: Some(crate::support::api_token(&mut app.db.conn(), id)) }
}

#[test]
fn every_role_gets_exactly_its_access_on_every_route() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let mut c = app.db.conn();
    let org_id = plumbline::testing::repo::users::find_by_email(&mut c, "org@example.org").unwrap().unwrap().id;
    let org = Who {
        http: Some(crate::review_login(&app, "org@example.org")),
        token: Some(crate::support::api_token(&mut c, org_id)),
    };
    let proposer = person(&app, "ada@example.org", "Ada Proposer");
    let other = person(&app, "bob@example.org", "Bob Proposer");
    let reviewer = person(&app, "rui@example.org", "Rui Reviewer");
    let conflicted = person(&app, "cyd@example.org", "Cyd Conflicted");
    let lead = person(&app, "lena@example.org", "Lena Lead");
    let other_lead = person(&app, "otto@example.org", "Otto Lead");
    let attendee = person(&app, "ari@example.org", "Ari Attendee");
    let other_org = person(&app, "ozzy@example.org", "Ozzy Otherorg");

    // The proposal everyone is asked about, a topic in Lena's MC, and Otto's MC.
    let (pr, ot, rv, cf, ld, ol, og, _at) = (
        proposer.http.as_ref().unwrap(),
        other.http.as_ref().unwrap(),
        reviewer.http.as_ref().unwrap(),
        conflicted.http.as_ref().unwrap(),
        lead.http.as_ref().unwrap(),
        other_lead.http.as_ref().unwrap(),
        org.http.as_ref().unwrap(),
        attendee.http.as_ref().unwrap(),
    );
    let t = talk(pr, &s, "Ada's talk", "submit");
    talk(ot, &s, "Bob's talk", "submit");
    let (mc_manage, topic) = accepted_mc(&app, &s, og, ld, pr, "Tracing");
    accepted_mc(&app, &s, og, ol, ot, "Containers");
    let _ = rv;
    for (email, uid) in [("rui@example.org", 0), ("cyd@example.org", 0)] {
        let _ = uid;
        let u = plumbline::testing::repo::users::find_by_email(&mut c, email).unwrap().unwrap();
        plumbline::testing::repo::reviews::add_accepted(
            &mut c,
            s.conf_id,
            u.id,
            email,
            &plumbline::security::hash_token(email),
        )
        .unwrap();
    }
    assert_eq!(og.post_form(&format!("{t}/conflicts"), &[("email", "cyd@example.org")]).status, 303);
    let _ = cf;

    // Registration: a ticket type and a tier; the attendee registers.
    assert_eq!(
        og.post_form(
            &format!("/c/{}/manage/registration/ticket-types", s.slug),
            &[("name", "Regular"), ("description", "")]
        )
        .status,
        303
    );
    let tt = crate::registration::ticket_type_ids(og, &s.slug)[0].clone();
    crate::registration::tier_now(og, &s.slug, &tt, "Europe/Vienna", "100");
    let (status, reg) = crate::registration::api_post(
        &app,
        &format!("/api/v1/conferences/{}/registrations", s.slug),
        attendee.token.as_ref().unwrap(),
        serde_json::json!({ "ticket_type": "Regular", "badge_name": "Ari" }),
    );
    assert_eq!(status, 201, "{reg}");
    // Every id the table needs must be found: a missing one would make its
    // "denied" cells pass without testing anything.
    let reg_id = reg["id"]
        .as_str()
        .or_else(|| reg["registration"]["id"].as_str())
        .map(str::to_string)
        .expect("the registration's id in the API answer");
    let tier_id = og
        .get(&format!("/c/{}/manage/registration", s.slug))
        .body
        .split("/manage/registration/tiers/")
        .nth(1)
        .map(|x| x[..36].to_string())
        .expect("a fee tier id on the registration set-up page");

    // Rooms, a booking by the attendee, a schedule with one published session.
    let (hall, small) = crate::schedule::rooms(&app, &s);
    let _ = hall;
    let ari_id = plumbline::testing::repo::users::find_by_email(&mut c, "ari@example.org").unwrap().unwrap().id;
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Uuid)]
        public_id: uuid::Uuid,
    }
    let booking: Vec<Id> = diesel::sql_query(format!(
        "INSERT INTO room_bookings (conference_id, room_id, user_id, title, during) SELECT {}, id, {ari_id}, 'BoF', tstzrange(now() + interval '2 days', now() + interval '2 days 1 hour', '[)') FROM rooms WHERE public_id = '{small}' RETURNING public_id",
        s.conf_id
    ))
    .load(&mut c)
    .unwrap();
    let booking = booking[0].public_id.to_string();
    og.post_form(&format!("/c/{}/manage/schedule/import", s.slug), &[]);
    let item = og
        .get(&format!("/c/{}/manage/schedule", s.slug))
        .body
        .split("/manage/schedule/items/")
        .nth(1)
        .map(|x| x[..36].to_string())
        .unwrap();
    assert_eq!(
        og.post_form(
            &format!("/c/{}/manage/schedule/items/{item}/place", s.slug),
            &[("room", &hall), ("starts_at", "2030-09-18T09:00"), ("minutes", "60")]
        )
        .status,
        303
    );
    og.post_form(&format!("/c/{}/manage/schedule/publish", s.slug), &[]);
    let session = app
        .client()
        .get(&format!("/c/{}/schedule", s.slug))
        .body
        .split("/session/")
        .nth(1)
        .map(|x| x[..36].to_string())
        .unwrap();
    let track_id = s.track_id.to_string();

    // Another conference that Ozzy organises.
    let other_conf = plumbline::testing::repo::conferences::insert(
        &mut c,
        &plumbline::testing::repo::conferences::ConferenceValues {
            slug: "other-conf",
            name: "Other",
            venue: "",
            time_zone: "UTC",
            starts_on: chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
            ends_on: chrono::NaiveDate::from_ymd_opt(2030, 1, 2).unwrap(),
            attendance_cap: 10,
            currency: "EUR",
        },
    )
    .unwrap();
    let ozzy = plumbline::testing::repo::users::find_by_email(&mut c, "ozzy@example.org").unwrap().unwrap().id;
    plumbline::testing::repo::conferences::grant_role(&mut c, other_conf.id, ozzy, "organiser").unwrap();

    let mc = mc_manage.trim_end_matches("/manage").rsplit('/').next().unwrap().to_string();
    let topic_id = topic.rsplit('/').next().unwrap().to_string();
    let proposal_id = t.rsplit('/').next().unwrap().to_string();
    let fill = |path: &str| -> String {
        let mut p = path
            .replace("{slug}", &s.slug)
            .replace("{call}", &s.talk_call)
            .replace("{mc}", &mc)
            .replace("{guid}", &session)
            .replace("{room}", &small);
        p = p
            .replace("{token}", "no-such-token")
            .replace("{user}", "00000000-0000-0000-0000-000000000000")
            .replace("{key}", "nope.ics");
        p = p.replace("{path}", "style.css").replace("{action}", "check-in");
        let id = if p.contains("/topics/") {
            topic_id.clone()
        } else if p.contains("/registrations/") || p.contains("/attendees/") {
            reg_id.clone()
        } else if p.contains("/tiers/") {
            tier_id.clone()
        } else if p.contains("/bookings/") {
            booking.clone()
        } else if p.contains("/schedule/items/") {
            item.clone()
        } else if p.contains("/tracks/") {
            track_id.clone()
        } else if p.contains("/outbox/") {
            "1".into()
        } else if p.contains("/ticket-types/") {
            tt.clone()
        } else {
            proposal_id.clone()
        };
        p.replace("{id}", &id)
    };
    // Someone who signed up (perhaps with another person's address) and never
    // confirmed it: logged in, but no API token can be minted for them.
    let unverified = {
        let http = app.client();
        http.post_form("/signup", &[("name", "Una Unverified"), ("email", "una@example.org"), ("password", PASSWORD)]);
        assert_eq!(http.post_form("/login", &[("email", "una@example.org"), ("password", PASSWORD)]).status, 303);
        let una = plumbline::testing::repo::users::find_by_email(&mut c, "una@example.org").unwrap().unwrap();
        assert!(!una.is_verified());
        let request = plumbline::services::accounts::TokenRequest {
            name: "x".into(),
            scope: plumbline::domain::account::ApiScope::ReadWrite,
            lifetime: None,
        };
        assert!(plumbline::services::accounts::issue_api_token(
            &mut plumbline::services::Db::new(&mut c),
            &una,
            &request
        )
        .is_err());
        Who { http: Some(http), token: None }
    };
    let whos: [&Who; 11] = [
        &Who { http: None, token: None },
        &proposer,
        &other,
        &reviewer,
        &conflicted,
        &lead,
        &other_lead,
        &org,
        &attendee,
        &other_org,
        &unverified,
    ];
    let anon = app.client();
    let mut failures = Vec::new();
    let mut seen = BTreeMap::new();
    for (method, path, expect) in table() {
        let url = fill(&path);
        for (i, who) in whos.iter().enumerate() {
            let http = who.http.as_ref().unwrap_or(&anon);
            let status = match method.as_str() {
                "GET" if path.starts_with("/api/") => match &who.token {
                    Some(t) => http.get_with_bearer(&url, t).status,
                    None => http.get(&url).status,
                },
                "GET" => http.get(&url).status,
                "POST" if path.starts_with("/api/") => {
                    let mut r = http.client.post(app.url(&url)).json(&serde_json::json!({}));
                    if let Some(t) = &who.token {
                        r = r.bearer_auth(t);
                    }
                    r.send().unwrap().status().as_u16()
                }
                "POST" => http.post_form(&url, &[]).status,
                "DELETE" => {
                    let mut r = http.client.delete(app.url(&url));
                    if let Some(t) = &who.token {
                        r = r.bearer_auth(t);
                    }
                    r.send().unwrap().status().as_u16()
                }
                m => panic!("method {m}"),
            };
            // An anonymous visitor sent to the login page is denied too, and so
            // is an unconfirmed account sent to its account page to confirm.
            let to_login = status == 303 && (who.http.is_none() || i == UNVERIFIED) && {
                let r = http.client.get(app.url(&url)).send().unwrap();
                r.headers().get("location").and_then(|v| v.to_str().ok()).is_some_and(|l| {
                    l.starts_with("/login") || (i == UNVERIFIED && l.starts_with("/account") && url != "/account")
                })
            };
            let denied = matches!(status, 401 | 403 | 404) || to_login;
            let ok = status < 500
                && match expect[i] {
                    'A' => !denied,
                    'D' => denied,
                    _ => true,
                };
            if !ok {
                failures.push(format!("{method} {path} as {}: {status} (expected {})", ROLES[i], expect[i]));
            }
            *seen.entry(status).or_insert(0) += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} access mismatches:\n{}\n(status counts {seen:?})",
        failures.len(),
        failures.join("\n")
    );
}
