//! Review at real size (issue 20): review settings per call, preferences and
//! conflicts, assignment by hand and automatic (preview, save, stale
//! previews), progress and reminders, and the API.

use crate::cfp::{conference, talk, Setup};
use crate::review_login as login;
use crate::support::{api_token, Http, TestApp};
use serde_json::json;

/// The one number a query returns.
fn n(app: &TestApp, sql: &str) -> i64 {
    use diesel::prelude::*;
    diesel::dsl::sql::<diesel::sql_types::BigInt>(sql).get_result(&mut app.db.conn()).unwrap()
}

fn exec(app: &TestApp, sql: &str) {
    use diesel::prelude::*;
    diesel::sql_query(sql).execute(&mut app.db.conn()).unwrap();
}

/// The value of an attribute that follows `marker` in `body` (up to the next quote).
fn value_after(body: &str, marker: &str) -> String {
    let at = body.find(marker).unwrap_or_else(|| panic!("{marker} in {body}")) + marker.len();
    body[at..].split('"').next().unwrap().to_string()
}

/// A committee member added directly, with an affiliation.
fn member(app: &TestApp, s: &Setup, email: &str, name: &str, affiliation: &str) -> (i64, Http) {
    let h = crate::review::member(app, s, email, name);
    exec(app, &format!("UPDATE users SET affiliation = '{affiliation}' WHERE email = '{email}'"));
    (n(app, &format!("SELECT id FROM users WHERE email = '{email}'")), h)
}

fn id_of(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_string()
}

/// `n` submitted talks by `n` different proposers of `affiliation`.
fn talks(app: &TestApp, s: &Setup, n: usize, affiliation: &str) -> Vec<String> {
    (0..n)
        .map(|i| {
            let email = format!("speaker{i}@example.org");
            let h = app.logged_in(&email, &format!("Speaker {i}"), false);
            exec(app, &format!("UPDATE users SET affiliation = '{affiliation}' WHERE email = '{email}'"));
            id_of(&talk(&h, s, &format!("Talk number {i}"), "submit"))
        })
        .collect()
}

fn talk_call_id(app: &TestApp, s: &Setup) -> i64 {
    n(app, &format!("SELECT id FROM calls WHERE public_id = '{}'", s.talk_call))
}

#[test]
fn review_settings_per_call_and_the_scale_is_kept_once_used() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let page = format!("/c/{}/manage/calls/{}/review", s.slug, s.talk_call);
    let form = org.get(&page);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Strong reject") && form.body.contains(r#"name="reviews_wanted""#));

    // Bad input: 422, the typed values come back, nothing saved.
    let bad = [
        ("score_min", "1"),
        ("score_max", "1"),
        ("score_labels", "Only one"),
        ("reviews_visibility", "always"),
        ("review_opens_at", "2027-06-01T09:00"),
        ("review_closes_at", "2027-05-01T09:00"),
        ("reviews_wanted", "25"),
    ];
    let r = org.post_form(&page, &bad);
    assert_eq!(r.status, 422);
    assert!(r.body.contains(r#"value="2027-05-01T09:00""#) && r.body.contains("Only one</textarea>"));
    assert!(r.body.contains("must be higher than the lowest score") && r.body.contains("must be after the opening"));

    let good = [
        ("score_min", "1"),
        ("score_max", "4"),
        ("score_labels", "Reject\nWeak\nGood\nExcellent"),
        ("reviews_visibility", "always"),
        ("review_opens_at", ""),
        ("review_closes_at", "2030-06-01T18:00"),
        ("reviews_wanted", "2"),
    ];
    assert_eq!(org.post_form(&page, &good).status, 303);
    let call = talk_call_id(&app, &s);
    assert_eq!(
        n(
            &app,
            &format!(
                "SELECT count(*) FROM calls WHERE id = {call} AND score_min = 1 AND score_max = 4 AND NOT anonymised \
             AND reviews_visibility = 'always' AND reviews_wanted = 2 AND score_labels = 'Reject|Weak|Good|Excellent' \
             AND review_closes_at = '2030-06-01 18:00 Europe/Vienna'"
            )
        ),
        1
    );

    // A review on the new scale; then the scale cannot change, the labels can.
    let ada = app.logged_in("ada@example.org", "Ada", false);
    let p = id_of(&talk(&ada, &s, "A talk", "submit"));
    let (_, rui) = member(&app, &s, "rui@example.org", "Rui", "");
    let review = rui.post_form(&format!("/c/{}/review/{p}", s.slug), &[("score", "4"), ("comment", "x"), ("note", "")]);
    assert_eq!(review.status, 303);
    let wider = [("score_max", "5"), ("score_labels", "")];
    let mut fields: Vec<(&str, &str)> =
        good.iter().filter(|(k, _)| !wider.iter().any(|(w, _)| w == k)).copied().collect();
    fields.extend(wider);
    let r = org.post_form(&page, &fields);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("1 review already uses it"), "{}", r.body);
    let relabel = [
        ("score_min", "1"),
        ("score_max", "4"),
        ("score_labels", "No\nMeh\nYes\nWow"),
        ("reviews_visibility", "after_own"),
        ("reviews_wanted", "3"),
    ];
    assert_eq!(org.post_form(&page, &relabel).status, 303);
    assert_eq!(
        n(&app, &format!("SELECT count(*) FROM calls WHERE id = {call} AND score_labels = 'No|Meh|Yes|Wow'")),
        1
    );
    // Reviewers are not organisers.
    assert_eq!(rui.get(&page).status, 403);
}

#[test]
fn preferences_conflicts_and_assignment_by_hand() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let ps = talks(&app, &s, 3, "Acme");
    let (rui_id, rui) = member(&app, &s, "rui@example.org", "Rui", "Initech");
    let (_, val) = member(&app, &s, "val@example.org", "Val", "ACME ");

    // Quick preference from the dashboard comes back to the same page.
    let dash = format!("/c/{}/review", s.slug);
    let r = rui.post_form(
        &format!("/c/{}/review/{}/preference", s.slug, ps[0]),
        &[("preference", "eager"), ("back", &format!("{dash}?sort=preference&page=1"))],
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.location(), format!("{dash}?sort=preference&page=1"));
    let r = rui.post_form(
        &format!("/c/{}/review/{}/preference", s.slug, ps[1]),
        &[("preference", "-80"), ("back", "https://evil.example/")],
    );
    assert_eq!(r.location(), dash, "never an open redirect");
    assert_eq!(n(&app, &format!("SELECT preference::bigint FROM review_preferences WHERE user_id = {rui_id} ORDER BY proposal_id LIMIT 1")), 50);
    let page = rui.get(&format!("{dash}?sort=preference")).body;
    let (first, second) = (page.find("Talk number 0").unwrap(), page.find("Talk number 2").unwrap());
    assert!(first < second, "sorted by preference");
    assert!(page.contains(r#"aria-pressed="true""#));
    assert_eq!(
        rui.post_form(&format!("/c/{}/review/{}/preference", s.slug, ps[2]), &[("preference", "101")]).status,
        400
    );

    // API: 422 out of range, 204 saved, conflict hides it, 404 out of scope.
    let token = api_token(&mut app.db.conn(), rui_id);
    let put = |id: &str, body: serde_json::Value, t: &str| {
        rui.client
            .put(app.url(&format!("/api/v1/conferences/{}/proposals/{id}/preference", s.slug)))
            .bearer_auth(t)
            .json(&body)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(put(&ps[2], json!({"preference": 150}), &token), 422);
    assert_eq!(put(&ps[2], json!({}), &token), 422);
    assert_eq!(put(&ps[2], json!({"preference": -100}), &token), 204);
    assert_eq!(put(&ps[2], json!({"conflict": true}), &token), 204);
    assert!(!rui.get(&dash).body.contains("Talk number 2"), "a declared conflict leaves the dashboard");
    assert_eq!(put(&ps[2], json!({"preference": 10}), &token), 404);
    let stranger = app.user("zed@example.org", "Zed", false);
    assert_eq!(put(&ps[0], json!({"preference": 10}), &api_token(&mut app.db.conn(), stranger)), 404);

    // Same organisation as the proposer: a conflict once the conference counts it.
    let review_page = |h: &Http, p: &str| h.get(&format!("/c/{}/review/{p}", s.slug)).status;
    assert_eq!(review_page(&val, &ps[0]), 200);
    let rule =
        org.post_form(&format!("/c/{}/manage/assignments/conflicts", s.slug), &[("conflict_by_affiliation", "on")]);
    assert_eq!(rule.status, 303);
    assert_eq!(review_page(&val, &ps[0]), 404, "Acme and 'ACME ' are one organisation");
    assert_eq!(review_page(&rui, &ps[0]), 200);

    // By hand: the review page offers only assignable members; val (conflicted) is refused.
    let org_view = org.get(&format!("/c/{}/review/{}", s.slug, ps[0])).body;
    assert!(
        org_view.contains(r#"<option value="rui@example.org">"#)
            && !org_view.contains(r#"<option value="val@example.org">"#)
    );
    let assign = |who: &str, action: &str| {
        org.post_form(
            &format!("/c/{}/manage/assignments", s.slug),
            &[("proposal", &ps[0]), ("reviewer", who), ("action", action)],
        )
    };
    assert_eq!(assign("rui@example.org", "assign").status, 303);
    let refused = assign("val@example.org", "assign");
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(n(&app, "SELECT count(*) FROM review_assignments WHERE source = 'manual'"), 1);
    let mine = rui.get(&dash).body;
    assert!(mine.contains("Assigned to you: 0 of 1"));
    assert!(mine.find("Assigned to you</span>").unwrap() < mine.find("Talk number 1").unwrap(), "assigned first");
    assert_eq!(assign("rui@example.org", "unassign").status, 303);
    assert_eq!(n(&app, "SELECT count(*) FROM review_assignments"), 0);

    // A reviewer to proposals: the sheet lists what rui may review (not talk 2, declared conflict).
    let sheet = format!("/c/{}/manage/assignments/reviewer?email=rui@example.org", s.slug);
    let page = org.get(&sheet);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Talk number 0") && page.body.contains("Talk number 1"));
    assert!(!page.body.contains("Talk number 2"), "a conflicted proposal is not offered");
    assert!(page.body.contains("<td>+50</td>") && page.body.contains("<td>-80</td>"));
    let post = |ticked: &[&str]| {
        let mut fields = vec![("email", "rui@example.org")];
        fields.extend(ticked.iter().map(|p| ("proposal", *p)));
        org.post_form(&format!("/c/{}/manage/assignments/reviewer", s.slug), &fields)
    };
    assert_eq!(post(&[&ps[0], &ps[1]]).status, 303);
    assert_eq!(
        n(&app, &format!("SELECT count(*) FROM review_assignments WHERE reviewer_id = {rui_id} AND source = 'manual'")),
        2
    );
    assert_eq!(post(&[&ps[1]]).status, 303);
    assert_eq!(n(&app, &format!("SELECT count(*) FROM review_assignments WHERE reviewer_id = {rui_id}")), 1);
    assert_eq!(org.get(&format!("/c/{}/manage/assignments/reviewer?email=nobody@example.org", s.slug)).status, 404);
}

#[test]
fn automatic_assignment_previews_saves_balances_and_reminds() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    exec(&app, &format!("UPDATE conferences SET conflict_by_affiliation = true WHERE id = {}", s.conf_id));
    let ps = talks(&app, &s, 7, "Acme");
    let mut members = Vec::new();
    for (i, aff) in ["Initech", "Globex", "Umbrella", "Acme"].iter().enumerate() {
        members.push(member(&app, &s, &format!("m{i}@example.org"), &format!("Member {i}"), aff));
    }
    // m0 would rather not review talk 0; m1 is eager for it; m1 declared a conflict with talk 6.
    for (who, p, v) in [(0usize, 0usize, "rather_not"), (1, 0, "eager")] {
        let r = members[who].1.post_form(&format!("/c/{}/review/{}/preference", s.slug, ps[p]), &[("preference", v)]);
        assert_eq!(r.status, 303);
    }
    assert_eq!(members[1].1.post_form(&format!("/c/{}/review/{}/conflict", s.slug, ps[6]), &[]).status, 303);
    // One review already written counts towards its proposal's K.
    let r = members[2]
        .1
        .post_form(&format!("/c/{}/review/{}", s.slug, ps[1]), &[("score", "1"), ("comment", "ok"), ("note", "")]);
    assert_eq!(r.status, 303);

    let base = format!("/c/{}/manage/assignments", s.slug);
    let bad = org.get(&format!("{base}?preview=1&k=0&call={}", s.talk_call));
    assert_eq!(bad.status, 422);
    let preview = org.get(&format!("{base}?preview=1&k=2&call={}", s.talk_call));
    assert_eq!(preview.status, 200);
    // 7 proposals × 2 = 14, minus the review already there: 13 new. m3 (Acme) is
    // conflicted with every talk, so three members share them: 5, 4, 4 after.
    assert!(preview.body.contains("<strong>13</strong> new assignments for 7 proposals"), "{}", preview.body);
    assert!(preview.body.contains("Load after saving: 4 to 5"));
    assert_eq!(n(&app, "SELECT count(*) FROM review_assignments"), 0, "a preview saves nothing");
    let fingerprint = value_after(&preview.body, r#"name="fingerprint" value=""#);

    // Something changes between preview and save: the new plan comes back, 409.
    let r = members[0].1.post_form(&format!("/c/{}/review/{}/preference", s.slug, ps[3]), &[("preference", "100")]);
    assert_eq!(r.status, 303);
    let save =
        |fp: &str| org.post_form(&format!("{base}/auto"), &[("call", &s.talk_call), ("k", "2"), ("fingerprint", fp)]);
    let stale = save(&fingerprint);
    if stale.status == 409 {
        assert!(stale.body.contains("changed since the preview"));
        let fresh = value_after(&stale.body, r#"name="fingerprint" value=""#);
        assert_eq!(save(&fresh).status, 303);
    } else {
        // The change did not alter the plan: saved as previewed.
        assert_eq!(stale.status, 303);
    }
    assert_eq!(n(&app, "SELECT count(*) FROM review_assignments WHERE source = 'auto'"), 13);
    // Nobody conflicted, nobody twice, nobody against a "rather not" with an alternative.
    assert_eq!(
        n(&app,
            "SELECT count(*) FROM review_assignments a JOIN users u ON u.id = a.reviewer_id WHERE u.affiliation = 'Acme' \
             OR EXISTS (SELECT 1 FROM review_conflicts c WHERE c.proposal_id = a.proposal_id AND c.user_id = a.reviewer_id) \
             OR EXISTS (SELECT 1 FROM reviews r WHERE r.proposal_id = a.proposal_id AND r.reviewer_id = a.reviewer_id)"
        ),
        0
    );
    assert_eq!(
        n(
            &app,
            &format!(
                "SELECT count(*) FROM review_assignments a JOIN users u ON u.id = a.reviewer_id \
             JOIN proposals p ON p.id = a.proposal_id WHERE u.email = 'm0@example.org' AND p.public_id = '{}'",
                ps[0]
            )
        ),
        0,
        "m0 said rather not and m1, m2 could take it"
    );
    let loads = "SELECT count(*) AS n FROM review_assignments GROUP BY reviewer_id";
    assert!(n(&app, &format!("SELECT max(n) - min(n) FROM ({loads}) x")) <= 1);
    // Running again adds nothing.
    let again = org.get(&format!("{base}?preview=1&k=2&call={}", s.talk_call));
    assert!(again.body.contains("<strong>0</strong> new assignments"));

    // Reviewers see theirs first with progress; organisers see everyone's and remind those behind.
    let dash = members[0].1.get(&format!("/c/{}/review", s.slug)).body;
    assert!(dash.contains("Assigned to you: 0 of"), "{dash}");
    let progress = org.get(&base).body;
    assert!(progress.contains("Remind the 3 members who are behind"), "{progress}");
    assert_eq!(org.post_form(&format!("{base}/remind"), &[]).status, 303);
    let mail = app.mail("m0@example.org", "wait for your review");
    assert!(mail.text_body().contains("/c/lpc-test/review?assigned=1"));
    assert_eq!(org.post_form(&format!("{base}/remind"), &[]).status, 303);
    assert_eq!(app.outbox_count("m0@example.org"), 1, "one reminder a day");
    assert_eq!(app.outbox_count("m3@example.org"), 0, "nothing assigned, nothing to remind");
}

#[test]
fn assignment_api_dry_run_save_and_listing() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org_id = n(&app, "SELECT id FROM users WHERE email = 'org@example.org'");
    let ps = talks(&app, &s, 4, "");
    let (m0, _) = member(&app, &s, "m0@example.org", "Member 0", "");
    let (m1, _) = member(&app, &s, "m1@example.org", "Member 1", "");
    let org = app.client();
    let (org_t, m0_t) = (api_token(&mut app.db.conn(), org_id), api_token(&mut app.db.conn(), m0));
    let url = format!("/api/v1/conferences/{}/assignments/auto", s.slug);

    let r = org.post_json_with_bearer(&url, &json!({"reviews_per_proposal": 0}), &org_t);
    assert_eq!(r.status, 422);
    assert!(r.json()["error"].as_str().unwrap().contains("reviews_per_proposal"));
    let r = org.post_json_with_bearer(&url, &json!({"reviews_per_proposal": 1, "call": "no such call"}), &org_t);
    assert_eq!(r.status, 422);
    assert_eq!(org.post_json_with_bearer(&url, &json!({"reviews_per_proposal": 1}), &m0_t).status, 403);

    let dry = org.post_json_with_bearer(
        &url,
        &json!({"reviews_per_proposal": 2, "call": "Refereed talks", "dry_run": true}),
        &org_t,
    );
    assert_eq!(dry.status, 200, "{}", dry.body);
    let v = dry.json();
    assert_eq!(v["saved"], false);
    assert_eq!(v["assignments"].as_array().unwrap().len(), 8);
    assert_eq!(v["load"], json!({"m0@example.org": 4, "m1@example.org": 4}));
    assert_eq!(n(&app, "SELECT count(*) FROM review_assignments"), 0);

    // K = 3 with two members: every proposal lacks one, and says why.
    let run = org.post_json_with_bearer(&url, &json!({"reviews_per_proposal": 3, "dry_run": false}), &org_t);
    let v = run.json();
    assert_eq!(v["saved"], true);
    assert_eq!(v["added"], 8);
    let unfilled = v["unfilled"].as_array().unwrap();
    assert_eq!(unfilled.len(), 4);
    assert_eq!(unfilled[0]["missing"], 1);
    assert_eq!(unfilled[0]["reason"], "only 2 eligible reviewers");
    assert!(ps.iter().any(|p| unfilled[0]["proposal"] == json!(p)));
    assert_eq!(n(&app, "SELECT count(*) FROM review_assignments"), 8);

    // Listing: organisers all, a member their own, strangers nothing.
    let all = org.get_with_bearer(&format!("/api/v1/conferences/{}/assignments", s.slug), &org_t).json();
    assert_eq!(all["assignments"].as_array().unwrap().len(), 8);
    let own = org.get_with_bearer(&format!("/api/v1/conferences/{}/assignments", s.slug), &m0_t).json();
    let own = own["assignments"].as_array().unwrap();
    assert_eq!(own.len(), 4);
    assert!(own.iter().all(|a| a["reviewer"] == "m0@example.org" && a["source"] == "auto" && a["reviewed"] == false));
    let zed = app.user("zed@example.org", "Zed", false);
    let r = org
        .get_with_bearer(&format!("/api/v1/conferences/{}/assignments", s.slug), &api_token(&mut app.db.conn(), zed));
    assert_eq!(r.status, 403);
    let _ = m1;
}

#[test]
fn weighted_criteria_make_the_score() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let page = format!("/c/{}/manage/calls/{}/review", s.slug, s.talk_call);
    let mut fields = vec![
        ("score_min", "-2"),
        ("score_max", "2"),
        ("score_labels", ""),
        ("reviews_visibility", "always"),
        ("reviews_wanted", "3"),
        ("criteria", "Relevance = 3\nClarity = 1"),
    ];
    assert_eq!(org.post_form(&page, &fields).status, 303);
    assert!(org.get(&page).body.contains("Relevance &#x3D; 3\nClarity &#x3D; 1</textarea>"));
    let ada = app.logged_in("ada@example.org", "Ada", false);
    let p = id_of(&talk(&ada, &s, "A weighted talk", "submit"));
    let (_, rui) = member(&app, &s, "rui@example.org", "Rui", "");
    let review_page = format!("/c/{}/review/{p}", s.slug);
    let form = rui.get(&review_page).body;
    assert!(form.contains("Relevance (weight 3)") && form.contains("Clarity (weight 1)"));
    let ids: Vec<i64> = ["Relevance", "Clarity"]
        .iter()
        .map(|name| n(&app, &format!("SELECT id FROM review_criteria WHERE name = '{name}'")))
        .collect();
    let (rel, cla) = (format!("criterion-{}", ids[0]), format!("criterion-{}", ids[1]));
    // A criterion left out: 422, what was typed comes back.
    let r = rui.post_form(&review_page, &[(&rel, "2"), ("comment", "half done"), ("note", "")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("Score Clarity from -2 to 2") && r.body.contains("half done</textarea>"));
    assert!(r.body.contains(&format!(r#"name="{rel}" value="2" checked"#)));
    // (3 × 2 + 1 × -1) / 4 = 1.25: the review's score is 1.
    assert_eq!(rui.post_form(&review_page, &[(&rel, "2"), (&cla, "-1"), ("comment", "ok"), ("note", "")]).status, 303);
    assert_eq!(n(&app, "SELECT score::bigint FROM reviews"), 1);
    assert_eq!(n(&app, "SELECT count(*) FROM review_criterion_scores"), 2);
    let again = rui.get(&review_page).body;
    assert!(again.contains(&format!(r#"name="{cla}" value="-1" checked"#)), "own criterion scores come back");
    // The criteria are fixed once used.
    fields[5] = ("criteria", "Relevance = 1");
    let r = org.post_form(&page, &fields);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("The criteria stay as they are"));
}
