use crate::cfp::{conference, propose, talk, Setup};
use crate::support::{link_in, Http, TestApp, PASSWORD};
use diesel::prelude::*;

fn login(app: &TestApp, email: &str) -> Http {
    let h = app.client();
    assert_eq!(h.post_form("/login", &[("email", email), ("password", PASSWORD)]).status, 303);
    h
}

/// A committee member added directly (invitations are tested on their own).
pub(crate) fn member(app: &TestApp, s: &Setup, email: &str, name: &str) -> Http {
    let uid = app.user(email, name, false);
    let mut c = app.db.conn();
    plumbline::testing::repo::reviews::add_accepted(
        &mut c,
        s.conf_id,
        uid,
        email,
        &plumbline::security::hash_token(email),
    )
    .unwrap();
    login(app, email)
}

fn id_of(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_string()
}

fn review(h: &Http, s: &Setup, path: &str, score: &str, comment: &str) -> u16 {
    h.post_form(
        &format!("/c/{}/review/{}", s.slug, id_of(path)),
        &[("score", score), ("comment", comment), ("note", "Nice work")],
    )
    .status
}

#[test]
fn committee_invitation_with_scope() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada Proposer", false);
    let talk_path = talk(&ada, &s, "A talk", "submit");
    let mc_path = propose(&ada, &s, &s.mc_call, &[("title", "An MC"), ("abstract", "x"), ("action", "submit")]);

    // Invite limited to the talk call.
    let mut c = app.db.conn();
    let talk_call_id = plumbline::testing::repo::calls::for_conference(&mut c, s.conf_id)
        .unwrap()
        .into_iter()
        .find(|c| c.kind == "refereed_talk")
        .unwrap()
        .id;
    let r = org.post_form(
        &format!("/c/{}/manage/committee", s.slug),
        &[("email", "rui@example.org"), ("call", &talk_call_id.to_string())],
    );
    assert_eq!(r.status, 303);
    let link = link_in(&app.mail("rui@example.org", "programme committee"), &format!("{}/committee/", app.base));
    let rui = app.logged_in("rui@example.org", "Rui Reviewer", false);
    let r = rui.post_form(link.trim_start_matches(&app.base), &[("answer", "accept")]);
    assert_eq!(r.status, 303);
    let dash = rui.get(&format!("/c/{}/review", s.slug));
    assert_eq!(dash.status, 200);
    assert!(dash.body.contains("A talk"));
    assert!(!dash.body.contains("An MC"), "out of scope");
    assert_eq!(rui.get(&format!("/c/{}/review/{}", s.slug, id_of(&mc_path))).status, 404);
    assert_eq!(review(&rui, &s, &mc_path, "1", "x"), 404);
    assert_eq!(review(&rui, &s, &talk_path, "2", "Great"), 303);

    // Strangers have no dashboard; bad invitations are 404.
    let bob = app.logged_in("bob@example.org", "Bob", false);
    assert_eq!(bob.get(&format!("/c/{}/review", s.slug)).status, 403);
    assert_eq!(bob.get("/committee/nonsense").status, 404);
    let r = org.post_form(&format!("/c/{}/manage/committee", s.slug), &[("email", "not an email")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"value="not an email""#));
}

#[test]
fn scores_visibility_window_and_editing() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada Proposer", false);
    let p = talk(&ada, &s, "A talk", "submit");
    let draft = talk(&ada, &s, "A draft", "draft");
    let r1 = member(&app, &s, "r1@example.org", "Reviewer One");
    let r2 = member(&app, &s, "r2@example.org", "Reviewer Two");
    let page = format!("/c/{}/review/{}", s.slug, id_of(&p));

    assert_eq!(r1.get(&format!("/c/{}/review/{}", s.slug, id_of(&draft))).status, 404, "drafts are not reviewed");
    // Out of range and malformed scores: 422 with the typed comment kept.
    let r = r1.post_form(&page, &[("score", "7"), ("comment", "kept text"), ("note", "")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("kept text</textarea>"));
    assert_eq!(review(&r1, &s, &p, "-2", "Weak: **needs** data"), 303);
    // After-own visibility (the default): r2 sees no other review before writing one.
    let before = r2.get(&page).body;
    assert!(!before.contains("Weak:"));
    assert!(!r2.get(&format!("/c/{}/review", s.slug)).body.contains("-2.00"), "no mean before own review");
    assert_eq!(review(&r2, &s, &p, "2", "Strong"), 303);
    let after = r2.get(&page).body;
    assert!(after.contains("Reviewer One") && after.contains("<strong>needs</strong>"));
    let dash = r2.get(&format!("/c/{}/review", s.slug)).body;
    assert!(dash.contains("+0.00"), "mean of -2 and +2");
    assert!(dash.contains("aria-label=\"scores -2×1, 2×1\""), "distribution bar");
    // Editing keeps one review per person.
    assert_eq!(review(&r1, &s, &p, "1", "Better"), 303);
    let mut c = app.db.conn();
    use plumbline::db::schema::reviews::dsl as rv;
    let n: i64 = rv::reviews.count().get_result(&mut c).unwrap();
    assert_eq!(n, 2);
    // Next unreviewed: r1 has reviewed everything.
    let r = r1.get(&format!("/c/{}/review/next", s.slug));
    assert_eq!(r.location(), format!("/c/{}/review", s.slug));

    // Review closes: saving is refused, the score stays.
    use plumbline::db::schema::calls::dsl as k;
    diesel::update(k::calls)
        .set(k::review_closes_at.eq(Some(chrono::Utc::now() - chrono::Duration::seconds(1))))
        .execute(&mut c)
        .unwrap();
    let r = r1.post_form(&page, &[("score", "-1"), ("comment", "late"), ("note", "")]);
    assert_eq!(r.status, 409);
    let scores: Vec<i32> = rv::reviews.select(rv::score).order(rv::id).load(&mut c).unwrap();
    assert_eq!(scores, vec![1, 2]);
}

#[test]
fn conflicts_hide_proposals_everywhere() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    // Rex reviews and also proposes; Ada's talk lists Rex's colleague Cy as co-speaker.
    let rex = member(&app, &s, "rex@example.org", "Rex Reviewer");
    let cy = member(&app, &s, "cy@example.org", "Cy Colleague");
    let dee = member(&app, &s, "dee@example.org", "Dee Declarer");
    let own = talk(&rex, &s, "Rex's own talk", "submit");
    let ada = app.logged_in("ada@example.org", "Ada Proposer", false);
    let joint = propose(
        &ada,
        &s,
        &s.talk_call,
        &[
            ("title", "Joint talk"),
            ("abstract", "x"),
            ("duration", "30"),
            ("people", "cy@example.org"),
            ("action", "submit"),
        ],
    );
    let other = talk(&ada, &s, "Other talk", "submit");

    // Automatic: proposer and invited co-speaker.
    for (who, path) in [(&rex, &own), (&cy, &joint)] {
        assert_eq!(who.get(&format!("/c/{}/review/{}", s.slug, id_of(path))).status, 404);
        assert_eq!(review(who, &s, path, "2", "self-serving"), 404);
    }
    let dash = rex.get(&format!("/c/{}/review", s.slug)).body;
    assert!(!dash.contains("Rex&#x27;s own talk") && dash.contains("Joint talk"));
    assert!(!cy.get(&format!("/c/{}/review", s.slug)).body.contains("Joint talk"));

    // Declared by the reviewer.
    assert_eq!(dee.post_form(&format!("/c/{}/review/{}/conflict", s.slug, id_of(&other)), &[]).status, 303);
    assert_eq!(dee.get(&format!("/c/{}/review/{}", s.slug, id_of(&other))).status, 404);
    // Set by an organiser.
    assert_eq!(org.post_form(&format!("{other}/conflicts"), &[("email", "rex@example.org")]).status, 303);
    assert!(!rex.get(&format!("/c/{}/review", s.slug)).body.contains("Other talk"));
    assert_eq!(review(&rex, &s, &other, "1", "x"), 404);

    // Others review; conflicted people get none of it through the API either.
    assert_eq!(review(&dee, &s, &joint, "2", "Dee on joint"), 303);
    assert_eq!(review(&cy, &s, &own, "1", "Cy on Rex"), 303);
    let token = |email: &str| {
        let mut c = app.db.conn();
        let u = plumbline::testing::repo::users::find_by_email(&mut c, email).unwrap().unwrap();
        crate::support::api_token(&mut c, u.id)
    };
    let api = format!("/api/v1/conferences/{}/reviews", s.slug);
    let rex_view = app.client().get_with_bearer(&api, &token("rex@example.org")).body;
    assert!(!rex_view.contains("Cy on Rex") && !rex_view.contains("Rex's own talk"), "{rex_view}");
    let cy_view = app.client().get_with_bearer(&api, &token("cy@example.org")).body;
    assert!(!cy_view.contains("Dee on joint"), "{cy_view}");
    let org_view = app.client().get_with_bearer(&api, &token("org@example.org")).json();
    assert_eq!(org_view["reviews"].as_array().unwrap().len(), 2);
    let csv = app.client().get_with_bearer(&format!("{api}?format=csv"), &token("cy@example.org")).body;
    assert!(!csv.contains("Dee on joint"));
}

/// Every page a reviewer can reach from the dashboard, the review pages and the API.
fn crawl(app: &TestApp, h: &Http, start: &str, token: &str) -> String {
    let mut seen = std::collections::BTreeSet::new();
    let mut queue = vec![start.to_string()];
    let mut all = String::new();
    while let Some(p) = queue.pop() {
        if !seen.insert(p.clone()) || seen.len() > 200 {
            continue;
        }
        let page = h.get(&p);
        all.push_str(&page.body);
        for href in page.body.split("href=\"").skip(1).filter_map(|x| x.split('"').next()) {
            let href = href.replace("&amp;", "&").replace("&#x3D;", "=");
            if href.starts_with('/') && !href.starts_with("/static") && !href.starts_with("//") {
                queue.push(href);
            }
        }
    }
    for api in [
        "/api/v1/me",
        "/api/v1/conferences",
        "/api/v1/conferences/lpc-test/reviews",
        "/api/v1/conferences/lpc-test/reviews?format=csv",
        "/api/v1/conferences/lpc-test/proposals",
        "/api/v1/conferences/lpc-test/microconferences",
    ] {
        all.push_str(&app.client().get_with_bearer(api, token).body);
    }
    all
}

#[test]
fn anonymised_review_never_shows_the_proposer() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let ada = app.logged_in("zelda.secret@example.org", "Zelda Secretname", false);
    let mut c = app.db.conn();
    diesel::update(plumbline::db::schema::users::table)
        .filter(plumbline::db::schema::users::email.eq("zelda.secret@example.org"))
        .set(plumbline::db::schema::users::affiliation.eq("Hiddencorp"))
        .execute(&mut c)
        .unwrap();
    let p = propose(
        &ada,
        &s,
        &s.talk_call,
        &[
            ("title", "Anonymous talk"),
            ("abstract", "x"),
            ("duration", "30"),
            ("people", "quentin.hidden@example.org"),
            ("action", "submit"),
        ],
    );
    let rev = member(&app, &s, "rev@example.org", "Rev Iewer");
    let other = member(&app, &s, "other@example.org", "Other Reviewer");
    assert_eq!(review(&other, &s, &p, "1", "Fine"), 303);
    assert_eq!(review(&rev, &s, &p, "2", "Great"), 303);
    let token = {
        let u = plumbline::testing::repo::users::find_by_email(&mut c, "rev@example.org").unwrap().unwrap();
        crate::support::api_token(&mut c, u.id)
    };
    let everything = crawl(&app, &rev, &format!("/c/{}/review", s.slug), &token);
    assert!(everything.contains("Anonymous talk"), "the crawl reached the proposal");
    for secret in ["Zelda", "Secretname", "zelda.secret", "Hiddencorp", "quentin.hidden"] {
        assert!(!everything.contains(secret), "{secret} leaked to an anonymised reviewer");
    }
    // The organisers do see who it is.
    let org = login(&app, "org@example.org");
    assert!(org.get(&format!("/c/{}/review/{}", s.slug, id_of(&p))).body.contains("Zelda Secretname"));
    // With anonymity off, reviewers see the proposer.
    diesel::update(plumbline::db::schema::calls::table)
        .set(plumbline::db::schema::calls::anonymised.eq(false))
        .execute(&mut c)
        .unwrap();
    assert!(rev.get(&format!("/c/{}/review/{}", s.slug, id_of(&p))).body.contains("Zelda Secretname"));
}

#[test]
fn proposers_see_decisions_only_after_release_and_mail_goes_once() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada Proposer", false);
    app.user("bo@example.org", "Bo Cospeaker", false);
    let accepted = propose(
        &ada,
        &s,
        &s.talk_call,
        &[
            ("title", "Good talk"),
            ("abstract", "x"),
            ("duration", "30"),
            ("people", "bo@example.org"),
            ("action", "submit"),
        ],
    );
    let bo = login(&app, "bo@example.org");
    let inv = link_in(&app.mail("bo@example.org", "invites you"), &format!("{}/invitations/", app.base));
    bo.post_form(inv.trim_start_matches(&app.base), &[("answer", "accept")]);
    let rejected = talk(&ada, &s, "Weak talk", "submit");
    let maybe = talk(&app.logged_in("cara@example.org", "Cara", false), &s, "Maybe talk", "submit");
    let rev = member(&app, &s, "rev@example.org", "Rev Iewer");
    review(&rev, &s, &accepted, "2", "Secret committee comment");

    // Bulk decisions from the dashboard, plus a note on one.
    let r = org.post_form(
        &format!("/c/{}/manage/decisions", s.slug),
        &[("proposal", &id_of(&accepted)), ("proposal", &id_of(&rejected)), ("state", "rejected")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        org.post_form(
            &format!("{accepted}/decision"),
            &[("state", "accepted"), ("note", "Please keep it to 30 minutes.")]
        )
        .status,
        303
    );
    assert_eq!(org.post_form(&format!("{maybe}/decision"), &[("state", "maybe")]).status, 303);

    // Before release: proposers see "submitted" everywhere, and no mail went out.
    for path in [&accepted, &rejected] {
        let page = ada.get(path).body;
        assert!(
            page.contains("state-submitted") && !page.contains("state-accepted") && !page.contains("state-rejected"),
            "{path}"
        );
        assert!(!page.contains("30 minutes"));
    }
    let mine = ada.get("/proposals").body;
    assert!(!mine.contains("accepted") && !mine.contains("rejected"));
    let tok = {
        let mut c = app.db.conn();
        let u = plumbline::testing::repo::users::find_by_email(&mut c, "ada@example.org").unwrap().unwrap();
        crate::support::api_token(&mut c, u.id)
    };
    let api = app.client().get_with_bearer(&format!("/api/v1/conferences/{}/proposals", s.slug), &tok).body;
    assert!(!api.contains("accepted") && !api.contains("rejected"), "{api}");
    assert!(app.smtp.messages().iter().all(|m| !m.subject().contains("accepted")));

    // Edit the template, release twice: one mail per person, once.
    let r = org.post_form(
        &format!("/c/{}/manage/notifications", s.slug),
        &[
            ("accepted_subject", "Accepted: {title}"),
            ("accepted_body", "Dear {name}, “{title}” was {decision}. {note}"),
            ("rejected_subject", "Sorry: {title}"),
            ("rejected_body", "Dear {name}, “{title}” was {decision}."),
        ],
    );
    assert_eq!(r.status, 303);
    assert_eq!(org.post_form(&format!("/c/{}/manage/release", s.slug), &[]).status, 303);
    assert_eq!(org.post_form(&format!("/c/{}/manage/release", s.slug), &[]).status, 303);
    let m = app.mail("ada@example.org", "Accepted: Good talk");
    assert!(m.text_body().contains("Dear Ada Proposer, “Good talk” was accepted. Please keep it to 30 minutes."));
    app.mail("bo@example.org", "Accepted: Good talk");
    app.mail("ada@example.org", "Sorry: Weak talk");
    std::thread::sleep(std::time::Duration::from_millis(800));
    let count = |to: &str, subj: &str| {
        app.smtp.messages().iter().filter(|m| m.is_for(to) && m.subject().contains(subj)).count()
    };
    assert_eq!(count("ada@example.org", "Accepted: Good talk"), 1);
    assert_eq!(count("bo@example.org", "Accepted: Good talk"), 1);
    assert_eq!(
        count("cara@example.org", "Accepted: Maybe") + count("cara@example.org", "Sorry: Maybe"),
        0,
        "maybe is not released"
    );

    // After release: the decision and notes, never scores, comments or reviewers.
    let page = ada.get(&accepted).body;
    assert!(
        page.contains("Decision: accepted")
            && page.contains("Please keep it to 30 minutes.")
            && page.contains("Nice work")
    );
    for secret in ["Secret committee comment", "Rev Iewer", "+2"] {
        assert!(!page.contains(secret), "{secret}");
    }
    assert_eq!(ada.get(&maybe).status, 404, "another proposer's proposal stays hidden");
}

#[test]
fn csv_export_neutralises_formulas() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "=HYPERLINK(\"http://evil\")", false);
    let p = talk(&ada, &s, "@SUM(A1:A9)", "submit");
    let rev = member(&app, &s, "rev@example.org", "+Reviewer");
    rev.post_form(
        &format!("/c/{}/review/{}", s.slug, id_of(&p)),
        &[("score", "-1"), ("comment", "-2+3"), ("note", "")],
    );
    let r = org.get(&format!("/c/{}/manage/reviews.csv", s.slug));
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("text/csv"));
    for line in r.body.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(!cell.starts_with(['=', '+', '-', '@']), "formula cell {cell:?} in {line}");
        }
    }
    assert!(r.body.contains("'@SUM(A1:A9)") && r.body.contains("'+Reviewer") && r.body.contains("'-1"));
    assert_eq!(rev.get(&format!("/c/{}/manage/reviews.csv", s.slug)).status, 403);
}

#[test]
fn accepted_microconference_gets_comp_passes_at_release() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let lena = app.logged_in("lena@example.org", "Lena Lead", false);
    let mc = propose(&lena, &s, &s.mc_call, &[("title", "Tracing"), ("abstract", "x"), ("action", "submit")]);
    assert_eq!(org.post_form(&format!("{mc}/decision"), &[("state", "accepted")]).status, 303);
    // Before release the lead has no microconference to run.
    assert!(!lena.get(&format!("/c/{}/programme", s.slug)).body.contains("/manage"));
    assert_eq!(org.post_form(&format!("/c/{}/manage/release", s.slug), &[]).status, 303);
    let mut c = app.db.conn();
    let mcs = plumbline::testing::repo::microconferences::for_conference(&mut c, s.conf_id).unwrap();
    assert_eq!(mcs.len(), 1);
    assert_eq!(mcs[0].comp_passes, 3);
    let page = lena.get(&format!("/c/{}/mc/{}/manage", s.slug, mcs[0].public_id));
    assert_eq!(page.status, 200);
    assert_eq!(page.body.matches("— unused").count(), 3);
    // Releasing again gives no extra codes.
    org.post_form(&format!("/c/{}/manage/release", s.slug), &[]);
    assert_eq!(plumbline::testing::repo::registrations::count_mc_codes(&mut c, mcs[0].id).unwrap(), 3);
}

/// A proposal's state and whether its decision is released, read from the database.
fn decision_of(app: &TestApp, path: &str) -> (String, bool) {
    let id = uuid::Uuid::parse_str(&id_of(path)).unwrap();
    let p = plumbline::testing::repo::proposals::by_public_id(&mut app.db.conn(), id).unwrap().unwrap();
    (p.state.to_string(), p.decision_released_at.is_some())
}

fn api_token(app: &TestApp, email: &str) -> String {
    let mut c = app.db.conn();
    let u = plumbline::testing::repo::users::find_by_email(&mut c, email).unwrap().unwrap();
    crate::support::api_token(&mut c, u.id)
}

#[test]
fn conflicts_of_interest_bind_organisers_too() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let olga = login(&app, "org@example.org");
    // A second organiser, who handles what Olga may not.
    let otto_id = app.user("otto@example.org", "Otto Organiser", false);
    plumbline::testing::repo::conferences::grant_role(&mut app.db.conn(), s.conf_id, otto_id, "organiser").unwrap();
    let otto = login(&app, "otto@example.org");
    // Olga proposes a talk herself; Ada's talk gets a conflict set for Olga by Otto.
    let own = talk(&olga, &s, "Olga's own talk", "submit");
    let ada = app.logged_in("ada@example.org", "Ada Proposer", false);
    let set = talk(&ada, &s, "Ada's talk", "submit");
    let clean = talk(&ada, &s, "Clean talk", "submit");
    let rev = member(&app, &s, "rev@example.org", "Rev Iewer");
    assert_eq!(review(&rev, &s, &own, "2", "Rev on own"), 303);
    assert_eq!(review(&rev, &s, &set, "-2", "Rev on set"), 303);
    assert_eq!(review(&rev, &s, &clean, "1", "Rev on clean"), 303);
    assert_eq!(otto.post_form(&format!("{set}/conflicts"), &[("email", "org@example.org")]).status, 303);

    // The review page: 403 with the reason, for both kinds of conflict.
    for path in [&own, &set] {
        let r = olga.get(&format!("/c/{}/review/{}", s.slug, id_of(path)));
        assert_eq!(r.status, 403, "{path}");
        assert!(r.body.contains("conflict of interest"), "{}", r.body);
        assert!(!r.body.contains("Rev on"));
    }
    assert!(olga.get(&format!("/c/{}/review/{}", s.slug, id_of(&clean))).body.contains("Rev on clean"));

    // The CSV download and the API (JSON and CSV) leave the conflicted reviews out.
    let csv = olga.get(&format!("/c/{}/manage/reviews.csv", s.slug));
    assert_eq!(csv.status, 200);
    let api = format!("/api/v1/conferences/{}/reviews", s.slug);
    let json = app.client().get_with_bearer(&api, &api_token(&app, "org@example.org")).body;
    let api_csv = app.client().get_with_bearer(&format!("{api}?format=csv"), &api_token(&app, "org@example.org")).body;
    for body in [&csv.body, &json, &api_csv] {
        assert!(body.contains("Rev on clean"), "{body}");
        assert!(!body.contains("Rev on own") && !body.contains("Rev on set"), "{body}");
    }
    let all = otto.get(&format!("/c/{}/manage/reviews.csv", s.slug)).body;
    assert!(all.contains("Rev on own") && all.contains("Rev on set") && all.contains("Rev on clean"), "{all}");

    // The decisions page lists them, marked, without their scores.
    let page = olga.get(&format!("/c/{}/manage/decisions", s.slug)).body;
    assert!(page.contains("Olga&#x27;s own talk") && page.contains("Ada&#x27;s talk"), "{page}");
    assert_eq!(page.matches("conflict of interest</span>").count(), 2, "{page}");
    assert!(page.contains("aria-label=\"scores 1×1\""), "the clean talk's scores");
    assert!(!page.contains("scores 2×1") && !page.contains("scores -2×1"), "{page}");
    assert!(!page.contains(&format!("value=\"{}\"", id_of(&own))), "no box to tick");
    // The proposal page: no decision form, and why.
    let p = olga.get(&own).body;
    assert!(!p.contains("Decision (organisers)") && p.contains("another organiser decides it"), "{p}");
    assert!(otto.get(&own).body.contains("Decision (organisers)"));

    // Deciding one: 403 with the reason, nothing changes.
    let r = olga.post_form(&format!("{own}/decision"), &[("state", "accepted")]);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("conflict of interest"), "{}", r.body);
    assert_eq!(decision_of(&app, &own).0, "submitted");
    // Deciding in bulk: the conflicted ones are left out, and she is told how many.
    let r = olga.post_form(
        &format!("/c/{}/manage/decisions", s.slug),
        &[("proposal", &id_of(&own)), ("proposal", &id_of(&set)), ("proposal", &id_of(&clean)), ("state", "accepted")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(olga.get(&r.location()).body.contains("except for 2 proposals left for another organiser"));
    assert_eq!(decision_of(&app, &clean).0, "accepted");
    assert_eq!(decision_of(&app, &own).0, "submitted");
    assert_eq!(decision_of(&app, &set).0, "submitted");
    // Otto decides them; Olga's release leaves them for him.
    assert_eq!(otto.post_form(&format!("{own}/decision"), &[("state", "accepted")]).status, 303);
    assert_eq!(otto.post_form(&format!("{set}/decision"), &[("state", "rejected")]).status, 303);
    let r = olga.post_form(&format!("/c/{}/manage/release", s.slug), &[]);
    assert_eq!(r.status, 303);
    assert!(olga.get(&r.location()).body.contains("except for 2 proposals left for another organiser"));
    assert_eq!(decision_of(&app, &clean), ("accepted".into(), true));
    assert_eq!(decision_of(&app, &own), ("accepted".into(), false));
    assert_eq!(decision_of(&app, &set), ("rejected".into(), false));
    assert!(olga
        .get(&format!("/c/{}/manage/decisions", s.slug))
        .body
        .contains("2 decided proposals are left for another organiser"));
    assert_eq!(otto.post_form(&format!("/c/{}/manage/release", s.slug), &[]).status, 303);
    assert_eq!(decision_of(&app, &own), ("accepted".into(), true));
    assert_eq!(decision_of(&app, &set), ("rejected".into(), true));

    // Nor can she lift her conflict, or set others' on that proposal.
    let r = olga.post_form(&format!("{set}/conflicts"), &[("email", "org@example.org"), ("conflicted", "0")]);
    assert_eq!(r.status, 403);
    assert_eq!(olga.post_form(&format!("{set}/conflicts"), &[("email", "otto@example.org")]).status, 403);
    assert_eq!(olga.get(&format!("/c/{}/review/{}", s.slug, id_of(&set))).status, 403);
}

#[test]
fn an_mc_lead_does_not_decide_their_own_topic() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let lena = app.logged_in("lena@example.org", "Lena Lead", false);
    let (mc_manage, topic) = crate::cfp::accepted_mc(&app, &s, &org, &lena, &lena, "Tracing");
    let mc = mc_manage.trim_end_matches("/manage");
    let decide = format!("{mc}/topics/{}/decision", id_of(&topic));
    let r = lena.post_form(&decide, &[("state", "accepted")]);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("conflict of interest"), "{}", r.body);
    assert_eq!(decision_of(&app, &topic).0, "submitted");
    assert_eq!(org.post_form(&decide, &[("state", "accepted")]).status, 303);
    assert_eq!(decision_of(&app, &topic).0, "accepted");
    // Her release leaves it for someone else too.
    let r = lena.post_form(&format!("{mc}/release"), &[]);
    assert_eq!(r.status, 303);
    assert_eq!(decision_of(&app, &topic), ("accepted".into(), false));
    assert_eq!(org.post_form(&format!("{mc}/release"), &[]).status, 303);
    assert_eq!(decision_of(&app, &topic), ("accepted".into(), true));
}
