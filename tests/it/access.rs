//! Deny by default, checked over every route and every role. The routes are read
//! from the source, so a new route without a line in the table below fails here.
//!
//! Where one policy question guards a route, its line names the question and
//! the expected answers are the policy's (`plumbline::services::policy`), asked
//! with the facts each role has; the test then checks that the HTTP answers
//! agree, so the routes cannot drift from the policy nor the policy from them.

use crate::cfp::{accepted_mc, conference, talk};
use crate::support::{Http, TestApp, PASSWORD};
use diesel::prelude::*;
use plumbline::services::policy::{self, Access, ReviewerFacts, Sight};
use plumbline::testing::repo::users::User;
use std::collections::{BTreeMap, BTreeSet};

/// What the set-up below makes of a role, in the policy's terms, about the
/// conference under test, Ada's talk (`{id}` on proposal routes), Lena's MC
/// (`{mc}`) and Ari's registration and room booking.
#[derive(Clone, Copy)]
struct Facts {
    /// Holds the organiser role of this conference.
    organiser: bool,
    /// Submitted Ada's talk.
    proposer: bool,
    /// An accepted member of the programme committee (every call and track).
    committee: bool,
    /// Has a conflict of interest with Ada's talk (on it, or set by an organiser).
    conflicted: bool,
    /// Leads the MC `{mc}`.
    leads_mc: bool,
    /// Owns the registration and the booking.
    owner: bool,
    /// Volunteered to lead the MC idea `{id}` on the ideas board.
    volunteers: bool,
}

const NO_FACTS: Facts = Facts {
    organiser: false,
    proposer: false,
    committee: false,
    conflicted: false,
    leads_mc: false,
    owner: false,
    volunteers: false,
};

const ROLES: [(&str, Facts); 11] = [
    ("anonymous", NO_FACTS),
    ("proposer", Facts { proposer: true, conflicted: true, ..NO_FACTS }),
    ("other proposer", NO_FACTS),
    ("reviewer", Facts { committee: true, ..NO_FACTS }),
    ("conflicted reviewer", Facts { committee: true, conflicted: true, ..NO_FACTS }),
    ("MC lead", Facts { leads_mc: true, ..NO_FACTS }),
    ("other MC lead", NO_FACTS),
    ("organiser", Facts { organiser: true, ..NO_FACTS }),
    ("attendee", Facts { owner: true, volunteers: true, ..NO_FACTS }),
    ("other conference organiser", NO_FACTS),
    ("unverified account", NO_FACTS),
];

/// The column of an account whose address nobody confirmed: it may use its own
/// account page and nothing else a visitor could not.
const UNVERIFIED: usize = 10;

/// The policy questions a table line may name (see `Asked::allows`).
const QUESTIONS: [&str; 13] = [
    "site-admin",
    "acting",
    "organiser",
    "organiser-unconflicted",
    "proposal-viewer",
    "proposer",
    "decider",
    "committee",
    "reviewer",
    "mc-page",
    "mc-runner",
    "owner-or-organiser",
    "idea-proposer",
];

/// Per route, either a policy question (from QUESTIONS) or, per role in ROLES
/// order: A = allowed (not 401/403/404), D = denied (401, 403 or 404), * = either.
/// Written-out cells are kept only where no single policy question guards the
/// route: public pages, links whose token is the credential, one's own account
/// page (any session, confirmed or not), and answers that depend on the state
/// the earlier lines left (registering, booking, logging in). No answer may be 5xx.
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
GET /admin/conferences/new                              site-admin
GET /admin/outbox                                       site-admin
GET /admin/co-location                                  site-admin
GET /invitations/{token}                                DDDDDDDDDDD
GET /committee/{token}                                  DDDDDDDDDDD
GET /c/{slug}                                           AAAAAAAAAAA
GET /c/{slug}/cfp                                       AAAAAAAAAAA
GET /c/{slug}/cfp/{call}                                AAAAAAAAAAA
GET /c/{slug}/cfp/{call}/propose                        *AAAAAAAAA*
GET /c/{slug}/programme                                 AAAAAAAAAAA
GET /c/{slug}/proposals/{id}                            proposal-viewer
GET /c/{slug}/proposals/{id}/edit                       proposer
GET /c/{slug}/organisers                                organiser
GET /c/{slug}/manage                                    organiser
GET /c/{slug}/manage/calls                              organiser
GET /c/{slug}/manage/calls/{call}                       organiser
GET /c/{slug}/manage/calls/{call}/review                organiser
GET /c/{slug}/manage/assignments                        organiser
GET /c/{slug}/manage/assignments/reviewer               organiser
GET /c/{slug}/manage/tracks                             organiser
GET /c/{slug}/manage/proposals                          organiser
GET /c/{slug}/manage/committee                          organiser
GET /c/{slug}/manage/decisions                          organiser
GET /c/{slug}/manage/notifications                      organiser
GET /c/{slug}/manage/reviews.csv                        organiser
GET /c/{slug}/manage/schedule                           organiser
GET /c/{slug}/manage/schedule/items/{id}                organiser
GET /c/{slug}/manage/schedule/publish                   organiser
GET /c/{slug}/manage/speakers                           organiser
GET /c/{slug}/manage/mail                               organiser
GET /c/{slug}/manage/copy                               organiser
GET /c/{slug}/manage/mail/{id}                          DDDDDDD*DDD
GET /c/{slug}/proposals/{id}/confirm                    DDDDDDDDDDD
GET /c/{slug}/manage/registration                       organiser
GET /c/{slug}/manage/registration/attendees             organiser
GET /c/{slug}/manage/registration/attendees.csv         organiser
GET /c/{slug}/manage/registration/codes                 organiser
GET /c/{slug}/manage/registration/tiers/{id}            organiser
GET /c/{slug}/manage/rooms                              organiser
GET /c/{slug}/manage/rooms/{room}                       organiser
GET /c/{slug}/manage/rooms/bookings                     organiser
GET /c/{slug}/manage/rooms/bookings/{id}/move           organiser
GET /c/{slug}/review                                    committee
GET /c/{slug}/review/next                               committee
GET /c/{slug}/review/{id}                               reviewer
GET /c/{slug}/mc/{mc}                                   mc-page
GET /c/{slug}/mc/{mc}/manage                            mc-runner
GET /c/{slug}/mc/{mc}/review                            mc-runner
GET /c/{slug}/register                                  *AAAAAAAAA*
GET /c/{slug}/registration                              *AAAAAAAAA*
GET /c/{slug}/registrations/{id}                        owner-or-organiser
GET /c/{slug}/registrations/{id}/receipt.pdf            DDDDDDD**DD
GET /c/{slug}/registration/pay                          AAAAAAAAAAA
GET /c/{slug}/manage/registration/bank                  organiser
GET /c/{slug}/attendees                                 AAAAAAAAAAA
GET /c/{slug}/rooms                                     AAAAAAAAAAA
GET /c/{slug}/rooms/book                                *AAAAAAAAA*
GET /c/{slug}/rooms/mine                                *AAAAAAAAA*
GET /c/{slug}/rooms.ics                                 AAAAAAAAAAA
GET /c/{slug}/rooms/{room}/bookings.ics                 AAAAAAAAAAA
GET /c/{slug}/board                                     AAAAAAAAAAA
GET /c/{slug}/unconference                              AAAAAAAAAAA
GET /c/{slug}/mc-ideas                                  AAAAAAAAAAA
GET /c/{slug}/schedule                                  AAAAAAAAAAA
GET /c/{slug}/schedule.ics                              AAAAAAAAAAA
GET /c/{slug}/schedule.xml                              AAAAAAAAAAA
GET /c/{slug}/schedule.json                             AAAAAAAAAAA
GET /c/{slug}/session/{guid}                            AAAAAAAAAAA
GET /c/{slug}/my-schedule                               *AAAAAAAAA*
GET /c/{slug}/my-schedule/{user}/{key}                  DDDDDDDDDDD
GET /api/v1/openapi.json                                AAAAAAAAAAA
GET /api/v1/conferences                                 AAAAAAAAAAA
GET /api/v1/conferences/{slug}                          AAAAAAAAAAA
GET /api/v1/me                                          acting
GET /api/v1/conferences/{slug}/proposals                acting
GET /api/v1/conferences/{slug}/microconferences         AAAAAAAAAAA
GET /api/v1/conferences/{slug}/reviews                  committee
GET /api/v1/conferences/{slug}/assignments              committee
GET /api/v1/conferences/{slug}/unconference/sessions    acting
GET /api/v1/conferences/{slug}/mc-ideas                 AAAAAAAAAAA
GET /api/v1/conferences/{slug}/schedule                 AAAAAAAAAAA
GET /api/v1/conferences/{slug}/fees                     AAAAAAAAAAA
GET /api/v1/conferences/{slug}/registrations            organiser
GET /api/v1/conferences/{slug}/registrations/me         D*******A*D
GET /api/v1/conferences/{slug}/registrations/{id}       owner-or-organiser
GET /api/v1/conferences/{slug}/rooms                    AAAAAAAAAAA
GET /api/v1/conferences/{slug}/rooms/{room}/bookings    AAAAAAAAAAA
POST /signup                                            ***********
POST /login                                             ***********
POST /password/forgot                                   ***********
POST /password/reset                                    ***********
POST /verify                                        ***********
POST /account/profile                                   DAAAAAAAAAA
POST /account/password                                  DAAAAAAAAAA
POST /account/tokens                                    acting
POST /account/tokens/{id}/revoke                    DDDDDDDDDDD
POST /account/verify                                    DAAAAAAAAAA
POST /admin/conferences                                 site-admin
POST /admin/outbox/{id}/resend                          site-admin
POST /admin/co-location                                 site-admin
POST /admin/co-location/{slug}/separate                 site-admin
POST /invitations/{token}                               DDDDDDDDDDD
POST /committee/{token}                                 DDDDDDDDDDD
POST /c/{slug}/cfp/{call}/propose                       acting
POST /c/{slug}/proposals/{id}/edit                      proposer
POST /c/{slug}/proposals/{id}/decision                  decider
POST /c/{slug}/proposals/{id}/conflicts                 organiser-unconflicted
POST /c/{slug}/organisers                               organiser
POST /c/{slug}/manage/calls                             organiser
POST /c/{slug}/manage/calls/{call}                      organiser
POST /c/{slug}/manage/tracks                            organiser
POST /c/{slug}/manage/committee                         organiser
POST /c/{slug}/manage/decisions                         organiser
POST /c/{slug}/manage/notifications                     organiser
POST /c/{slug}/manage/schedule/items                    organiser
POST /c/{slug}/manage/schedule/items/{id}/place         organiser
POST /c/{slug}/manage/registration/settings             organiser
POST /c/{slug}/manage/registration/ticket-types         organiser
POST /c/{slug}/manage/registration/ticket-types/{id}/tiers organiser
POST /c/{slug}/manage/registration/tiers/{id}           organiser
POST /c/{slug}/manage/registration/codes                organiser
POST /c/{slug}/manage/rooms                             organiser
POST /c/{slug}/manage/rooms/settings                    organiser
POST /c/{slug}/manage/rooms/{room}                      organiser
POST /c/{slug}/manage/rooms/blocks                      organiser
POST /c/{slug}/manage/rooms/bookings/{id}/move          organiser
POST /c/{slug}/review/{id}                              reviewer
POST /c/{slug}/review/{id}/preference                   reviewer
PUT /api/v1/conferences/{slug}/proposals/{id}/preference reviewer
POST /c/{slug}/manage/calls/{call}/review               organiser
POST /c/{slug}/manage/assignments                       organiser
POST /c/{slug}/manage/assignments/auto                  organiser
POST /c/{slug}/manage/assignments/remind                organiser
POST /c/{slug}/manage/assignments/conflicts             organiser
POST /c/{slug}/manage/assignments/reviewer              organiser
POST /api/v1/conferences/{slug}/assignments/auto        organiser
POST /api/v1/conferences/{slug}/unconference/plan       organiser
GET /api/v1/conferences/{slug}/unconference/autoplan    organiser
PUT /api/v1/conferences/{slug}/unconference/autoplan    organiser
POST /c/{slug}/mc/{mc}/window                           mc-runner
POST /c/{slug}/mc/{mc}/topics/{id}/move                 mc-runner
POST /c/{slug}/mc/{mc}/topics/{id}/decision             mc-runner
POST /c/{slug}/mc/{mc}/release                          mc-runner
POST /c/{slug}/session/{guid}/star                      acting
POST /c/{slug}/register                                 acting
POST /c/{slug}/rooms/book                               D*******A*D
POST /c/{slug}/unconference/sessions                    D*******A*D
POST /c/{slug}/unconference/sessions/{id}/interest      DDDDDDDDDDD
POST /c/{slug}/unconference/plan                        organiser
POST /c/{slug}/unconference/autoplan                    organiser
POST /api/v1/conferences/{slug}/unconference/sessions   D*******A*D
POST /c/{slug}/mc-ideas                                 acting
POST /c/{slug}/mc-ideas/{id}/support                    acting
POST /c/{slug}/mc-ideas/{id}/comments                   acting
POST /api/v1/conferences/{slug}/mc-ideas                acting
POST /api/v1/conferences/{slug}/mc-ideas/{id}/support   acting
POST /c/{slug}/mc-ideas/{id}/propose                    idea-proposer
POST /api/v1/conferences/{slug}/mc-ideas/{id}/propose   idea-proposer
POST /c/{slug}/mc-ideas/{id}/unsupport                  acting
DELETE /api/v1/conferences/{slug}/mc-ideas/{id}/support acting
POST /c/{slug}/mc-ideas/{id}/hide                       organiser
POST /c/{slug}/mc-ideas/{id}/unhide                     organiser
POST /c/{slug}/mc-ideas/{id}/comments/{comment}/hide    organiser
POST /c/{slug}/mc-ideas/{id}/comments/{comment}/unhide  organiser
POST /c/{slug}/mc-ideas/{id}/merge                      organiser
PUT /api/v1/conferences/{slug}/unconference/sessions/{id}/interest DDDDDDDDDDD
POST /api/v1/conferences/{slug}/registrations           D*******A*D
POST /api/v1/conferences/{slug}/bookings                D*******A*D
POST /c/{slug}/manage/schedule/import                   organiser
POST /c/{slug}/manage/schedule/publish                  organiser
POST /c/{slug}/manage/schedule/undo                     organiser
POST /c/{slug}/manage/speakers/reminders                organiser
POST /c/{slug}/manage/mail                              organiser
POST /c/{slug}/manage/copy                              organiser
POST /c/{slug}/proposals/{id}/confirm                   DDDDDDDDDDD
POST /c/{slug}/manage/programme                         organiser
POST /c/{slug}/manage/release                           organiser
POST /c/{slug}/manage/registration/attendees/{id}/{action} organiser
POST /c/{slug}/review/{id}/conflict                     reviewer
POST /c/{slug}/manage/schedule/items/{id}/unplace       organiser
POST /c/{slug}/proposals/{id}/submit                    proposer
POST /c/{slug}/proposals/{id}/withdraw                  proposer
POST /c/{slug}/rooms/bookings/{id}/cancel               owner-or-organiser
DELETE /api/v1/conferences/{slug}/bookings/{id}         owner-or-organiser
POST /c/{slug}/registration/bank-transfer               D*******A*D
POST /c/{slug}/registration/accept                      D*******A*D
POST /c/{slug}/registration/cancel                      D*******A*D
POST /c/{slug}/registration/pay                         DDDDDDDDDDD
POST /webhooks/stripe                                   DDDDDDDDDDD
POST /c/{slug}/manage/registration/bank                 organiser
POST /c/{slug}/manage/registration/bank/{id}/confirm    DDDDDDD*DDD
POST /c/{slug}/manage/registration/payee                organiser
POST /c/{slug}/manage/registration/ticket-types/{id}/bank-transfer DDDDDDD*DDD
DELETE /api/v1/conferences/{slug}/registrations/me      D*********D
POST /c/{slug}/manage/tracks/{id}/hosting               organiser
POST /c/{slug}/manage/tracks/{id}/delete                organiser
POST /c/{slug}/manage/rooms/{room}/delete               organiser
POST /c/{slug}/manage/registration/tiers/{id}/delete    organiser
POST /c/{slug}/manage/schedule/items/{id}/delete        organiser
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

/// A line's expected answers: the policy's, or written out.
enum Rule {
    Ask(&'static str),
    Cells(Vec<char>),
}

fn table() -> Vec<(String, String, Rule)> {
    TABLE
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(parts.len(), 3, "bad table line {l:?}");
            let rule = match QUESTIONS.iter().find(|q| **q == parts[2]) {
                Some(q) => Rule::Ask(q),
                None => {
                    let cells: Vec<char> = parts[2].chars().collect();
                    assert!(
                        cells.len() == ROLES.len() && cells.iter().all(|c| "AD*".contains(*c)),
                        "{l}: neither a policy question nor one cell per role"
                    );
                    Rule::Cells(cells)
                }
            };
            (parts[0].to_string(), parts[1].to_string(), rule)
        })
        .collect()
}

/// What the policy is asked about, beyond each role's facts.
struct Asked {
    /// The account behind each role (none for the visitor).
    users: Vec<Option<User>>,
    /// The accepted committee membership of each role, looked up as the services do.
    memberships: Vec<Option<plumbline::testing::repo::reviews::Member>>,
    /// Ada's talk: its call, its track, its call's review visibility.
    call_id: i64,
    track_id: Option<i64>,
    reviews_visibility: plumbline::domain::review::Visibility,
}

impl Asked {
    /// The policy's answer to `question` for the role in column `i`.
    fn allows(&self, question: &str, i: usize, programme_published: bool) -> bool {
        let facts = ROLES[i].1;
        let user = self.users[i].as_ref();
        // An unconfirmed account is a visitor: none of its facts count.
        let acting = policy::acting(user).is_some();
        let organises = acting && policy::organises(user.is_some_and(|u| u.is_site_admin), facts.organiser);
        let runs_mc = acting && policy::runs_microconference(facts.leads_mc, organises);
        // Ada's talk is in one of the conference's own calls: no MC lead is on it.
        let access = Access { organiser: organises, member: acting && facts.proposer, lead: false };
        let membership = || self.memberships[i].clone();
        match question {
            "site-admin" => policy::require_site_admin(user).is_ok(),
            "acting" => acting,
            "organiser" => policy::require_organising(organises).is_ok(),
            "organiser-unconflicted" => {
                policy::require_organising(organises).and(policy::require_unconflicted(facts.conflicted)).is_ok()
            }
            "proposal-viewer" => access.can_view(),
            "proposer" => policy::require_proposer(&access).is_ok(),
            "decider" => access.can_view() && policy::require_decider(false, organises, facts.conflicted).is_ok(),
            "committee" => acting && policy::committee_reviewer(membership(), organises).is_ok(),
            "reviewer" => {
                let facts_of_call = ReviewerFacts::Committee { membership: membership(), organises };
                acting
                    && policy::reviewer_role(facts_of_call, self.call_id, self.track_id).is_some_and(|role| {
                        policy::review_sight(&role, facts.conflicted, self.reviews_visibility, false) != Sight::Nothing
                    })
            }
            "mc-page" => policy::may_see_microconference(programme_published, runs_mc),
            "mc-runner" => policy::require_runs_microconference(runs_mc).is_ok(),
            "owner-or-organiser" => acting && policy::require_owner_or_organiser(facts.owner, organises).is_ok(),
            "idea-proposer" => acting && policy::require_idea_proposer(facts.volunteers, organises).is_ok(),
            q => panic!("no policy question {q:?}"),
        }
    }
}

/// The public id right after `marker` in `page`. A missing id would make the
/// "denied" cells of its lines pass without testing anything, so it stops the test.
fn id_after(page: &str, marker: &str, what: &str) -> String {
    let id = regex::Regex::new(&format!("{}([0-9a-f-]{{36}})", regex::escape(marker))).unwrap();
    match id.captures(page) {
        Some(c) => c[1].to_string(),
        None => panic!("{what}: no id after {marker:?} in:\n{}", &page[..page.len().min(3000)]),
    }
}

/// The public id that ends `path` (a redirect or a link), or the test stops.
fn last_id(path: &str, what: &str) -> String {
    let path = path.trim_end_matches('/');
    let last = path.rsplit_once('/').map_or(path, |(_, last)| last);
    match uuid::Uuid::parse_str(last) {
        Ok(id) => id.to_string(),
        Err(_) => panic!("{what}: no id at the end of {path:?}"),
    }
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
    let (pr, ot, ld, ol, og) = (
        proposer.http.as_ref().unwrap(),
        other.http.as_ref().unwrap(),
        lead.http.as_ref().unwrap(),
        other_lead.http.as_ref().unwrap(),
        org.http.as_ref().unwrap(),
    );
    let t = talk(pr, &s, "Ada's talk", "submit");
    talk(ot, &s, "Bob's talk", "submit");
    let (mc_manage, topic) = accepted_mc(&app, &s, og, ld, pr, "Tracing");
    accepted_mc(&app, &s, og, ol, ot, "Containers");
    for email in ["rui@example.org", "cyd@example.org"] {
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

    // Registration: a ticket type and a tier; the attendee registers.
    assert_eq!(
        og.post_form(
            &format!("/c/{}/manage/registration/ticket-types", s.slug),
            &[("name", "Regular"), ("description", "")]
        )
        .status,
        303
    );
    let tt = crate::registration::ticket_type_ids(og, &s.slug)
        .into_iter()
        .next()
        .expect("the ticket type's id on the registration set-up page");
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
        .unwrap_or_else(|| panic!("the registration's id in the API answer {reg}"));
    let tier_id = id_after(
        &og.get(&format!("/c/{}/manage/registration", s.slug)).body,
        "/manage/registration/tiers/",
        "a fee tier on the registration set-up page",
    );

    // Rooms, a booking by the attendee, a schedule with one published session.
    let (hall, small) = crate::schedule::rooms(&app, &s);
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
    let booking = booking.first().expect("the attendee's booking was inserted").public_id.to_string();
    assert_eq!(og.post_form(&format!("/c/{}/manage/schedule/import", s.slug), &[]).status, 303);
    let item = id_after(
        &og.get(&format!("/c/{}/manage/schedule", s.slug)).body,
        "/manage/schedule/items/",
        "an imported schedule item",
    );
    assert_eq!(
        og.post_form(
            &format!("/c/{}/manage/schedule/items/{item}/place", s.slug),
            &[("room", &hall), ("starts_at", "2030-09-18T09:00"), ("minutes", "60")]
        )
        .status,
        303
    );
    assert_eq!(og.post_form(&format!("/c/{}/manage/schedule/publish", s.slug), &[]).status, 303);
    let session =
        id_after(&app.client().get(&format!("/c/{}/schedule", s.slug)).body, "/session/", "a published session");
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

    // An idea on the MC ideas board that Ari would lead, with a comment by Ari.
    let ari_http = attendee.http.as_ref().unwrap();
    let (status, posted) = crate::registration::api_post(
        &app,
        &format!("/api/v1/conferences/{}/mc-ideas", s.slug),
        attendee.token.as_ref().unwrap(),
        serde_json::json!({ "title": "Ari's MC idea", "description": "Let's talk.", "lead": true, "note": "me" }),
    );
    assert_eq!(status, 201, "{posted}");
    let idea = posted["id"].as_str().map(str::to_string).unwrap_or_else(|| panic!("the idea's id in {posted}"));
    let r = ari_http.post_form(&format!("/c/{}/mc-ideas/{idea}/comments", s.slug), &[("comment", "Anyone?")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let comment =
        id_after(&app.client().get(&format!("/c/{}/mc-ideas", s.slug)).body, "id=\"comment-", "a comment on the idea");

    let mc = last_id(mc_manage.trim_end_matches("/manage"), "Lena's MC");
    let topic_id = last_id(&topic, "the topic proposed in Lena's MC");
    let proposal_id = last_id(&t, "Ada's talk");
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
        p = p.replace("{path}", "style.css").replace("{action}", "check-in").replace("{comment}", &comment);
        let id = if p.contains("/mc-ideas/") {
            idea.clone()
        } else if p.contains("/topics/") {
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
        let p = p.replace("{id}", &id);
        assert!(!p.contains('{'), "{path}: nothing to put in {p}");
        p
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

    // The policy's side: each role's account and committee membership, and Ada's talk.
    let emails = [
        None,
        Some("ada@example.org"),
        Some("bob@example.org"),
        Some("rui@example.org"),
        Some("cyd@example.org"),
        Some("lena@example.org"),
        Some("otto@example.org"),
        Some("org@example.org"),
        Some("ari@example.org"),
        Some("ozzy@example.org"),
        Some("una@example.org"),
    ];
    let users: Vec<Option<User>> = emails
        .iter()
        .map(|e| e.map(|e| plumbline::testing::repo::users::find_by_email(&mut c, e).unwrap().expect(e)))
        .collect();
    let memberships = users
        .iter()
        .zip(ROLES)
        .map(|(u, (role, facts))| {
            let found = match u {
                Some(u) => plumbline::testing::repo::reviews::membership(&mut c, s.conf_id, u.id).unwrap(),
                None => None,
            };
            assert_eq!(found.is_some(), facts.committee, "{role}: on the committee?");
            found
        })
        .collect();
    let talk_row = plumbline::testing::repo::proposals::by_public_id(&mut c, proposal_id.parse().unwrap())
        .unwrap()
        .expect("Ada's talk");
    let asked = Asked {
        users,
        memberships,
        call_id: talk_row.call_id,
        track_id: talk_row.track_id,
        reviews_visibility: plumbline::testing::repo::calls::find(&mut c, talk_row.call_id).unwrap().reviews_visibility,
    };

    let anon = app.client();
    let mut failures = Vec::new();
    let mut seen = BTreeMap::new();
    for (method, path, rule) in table() {
        let url = fill(&path);
        let expect: Vec<char> = match rule {
            Rule::Cells(cells) => cells,
            Rule::Ask(question) => {
                // Asked now: the lines before may have published the programme.
                let published = plumbline::testing::repo::conferences::by_slug(&mut c, &s.slug)
                    .unwrap()
                    .expect("the conference")
                    .programme_published;
                (0..ROLES.len()).map(|i| if asked.allows(question, i, published) { 'A' } else { 'D' }).collect()
            }
        };
        for (i, who) in whos.iter().enumerate() {
            let http = who.http.as_ref().unwrap_or(&anon);
            let status = match method.as_str() {
                "GET" if path.starts_with("/api/") => match &who.token {
                    Some(t) => http.get_with_bearer(&url, t).status,
                    None => http.get(&url).status,
                },
                "GET" => http.get(&url).status,
                "POST" | "PUT" if path.starts_with("/api/") => {
                    let r =
                        if method == "PUT" { http.client.put(app.url(&url)) } else { http.client.post(app.url(&url)) };
                    let mut r = r.json(&serde_json::json!({}));
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
                failures.push(format!("{method} {path} as {}: {status} (expected {})", ROLES[i].0, expect[i]));
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
