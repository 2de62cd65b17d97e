//! Decisions before their release, and decided proposals (issue 14, items 3 and 6):
//! nothing public or shown to a proposer reveals an unreleased decision; a
//! decided proposal keeps its title, length and people; withdrawing an accepted
//! one tells the people running the programme; a microconference's accepted
//! topics fit in its time budget whichever path accepts them.

use crate::cfp::{accepted_mc, conference, propose, talk, Setup};
use crate::review_login as login;
use crate::support::{Http, TestApp};
use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use plumbline::db::schema::{microconferences as mcs, proposals as p};
use serde_json::Value;

fn id_of(path: &str) -> String {
    path.rsplit('/').next().unwrap().to_string()
}

fn db_id(app: &TestApp, path: &str) -> i64 {
    let public = uuid::Uuid::parse_str(&id_of(path)).unwrap();
    p::table.filter(p::public_id.eq(public)).select(p::id).first(&mut app.db.conn()).unwrap()
}

fn stored(app: &TestApp, path: &str) -> (String, String, Option<i32>) {
    p::table.find(db_id(app, path)).select((p::title, p::state, p::duration_minutes)).first(&mut app.db.conn()).unwrap()
}

/// A last-change time well in the past, so a moved one shows at minute precision.
fn pin_updated_at(app: &TestApp, path: &str) -> String {
    let at: DateTime<Utc> = Utc.with_ymd_and_hms(2029, 1, 15, 10, 0, 0).unwrap();
    diesel::update(p::table.find(db_id(app, path))).set(p::updated_at.eq(at)).execute(&mut app.db.conn()).unwrap();
    plumbline::domain::time::display(at, "Europe/Vienna".parse().unwrap())
}

fn api_token(app: &TestApp, email: &str) -> String {
    let mut c = app.db.conn();
    let u = plumbline::testing::repo::users::find_by_email(&mut c, email).unwrap().unwrap();
    crate::support::api_token(&mut c, u.id)
}

/// The proposer's own row for `path` in the API's proposal list.
fn own_api_row(app: &TestApp, s: &Setup, token: &str, path: &str) -> Value {
    let list = app.client().get_with_bearer(&format!("/api/v1/conferences/{}/proposals", s.slug), token).json();
    list["proposals"].as_array().unwrap().iter().find(|r| r["id"] == id_of(path)).cloned().expect("own row listed")
}

fn publish_programme(org: &Http, s: &Setup) {
    assert_eq!(org.post_form(&format!("/c/{}/manage/programme", s.slug), &[("published", "1")]).status, 303);
}

fn topic_call_link(lead: &Http, mc_manage: &str) -> String {
    lead.get(mc_manage.trim_end_matches("/manage"))
        .body
        .split("href=\"")
        .filter_map(|x| x.split('"').next())
        .find(|h| h.ends_with("/propose"))
        .expect("topic call link")
        .to_string()
}

/// Proposes a topic as a new person; returns them and the topic's path.
fn propose_topic(app: &TestApp, link: &str, email: &str, title: &str, minutes: &str) -> (Http, String) {
    let who = app.logged_in(email, &format!("Author of {title}"), false);
    let r = who.post_form(link, &[("title", title), ("abstract", "x"), ("duration", minutes), ("action", "submit")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let path = r.location();
    (who, path)
}

#[test]
fn unreleased_talk_decisions_stay_out_of_the_programme_and_the_proposers_views() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada Proposer", false);
    publish_programme(&org, &s);
    let secret = talk(&ada, &s, "Secret talk", "submit");
    let shown_time = pin_updated_at(&app, &secret);
    let token = api_token(&app, "ada@example.org");

    let r = org.post_form(&format!("{secret}/decision"), &[("state", "accepted"), ("note", "Private note")]);
    assert_eq!(r.status, 303);

    // The public programme (page and API) does not list it.
    let programme = format!("/c/{}/programme", s.slug);
    assert!(!app.client().get(&programme).body.contains("Secret talk"), "an unreleased acceptance is not public");
    assert!(!ada.get(&programme).body.contains("Secret talk"));
    // The proposer's page, list and API: still submitted, last changed when they changed it.
    let page = ada.get(&secret).body;
    assert!(page.contains("state-submitted") && !page.contains("state-accepted"));
    assert!(page.contains(&shown_time), "the decision did not move the last change: {page}");
    assert!(!page.contains("Private note"));
    let mine = ada.get("/proposals").body;
    assert!(mine.contains(&shown_time) && !mine.contains("accepted"));
    let row = own_api_row(&app, &s, &token, &secret);
    assert_eq!(row["state"], "submitted");
    assert_eq!(row["updated"], shown_time.as_str());
    assert_eq!(row["position"], Value::Null);
    // The organisers see the decision.
    assert!(org.get(&secret).body.contains("state-accepted"));

    // Released: public, and the proposer sees it.
    assert_eq!(org.post_form(&format!("/c/{}/manage/release", s.slug), &[]).status, 303);
    assert!(app.client().get(&programme).body.contains("Secret talk"));
    assert_eq!(own_api_row(&app, &s, &token, &secret)["state"], "accepted");
    assert!(ada.get(&secret).body.contains("Private note"));
}

#[test]
fn unreleased_topic_decisions_leave_no_trace_in_positions_or_pages() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let lead = app.logged_in("lena@example.org", "Lena Lead", false);
    let sam = app.logged_in("sam@example.org", "Sam Speaker", false);
    let (mc_manage, first) = accepted_mc(&app, &s, &org, &lead, &sam, "Tracing");
    let mc = mc_manage.trim_end_matches("/manage").to_string();
    publish_programme(&org, &s);
    let sam_token = api_token(&app, "sam@example.org");
    let shown_time = pin_updated_at(&app, &first);

    // The lead accepts Sam's topic: Sam's row shows no position, no new time, no state.
    assert_eq!(
        lead.post_form(&format!("{mc}/topics/{}/decision", id_of(&first)), &[("state", "accepted")]).status,
        303
    );
    let row = own_api_row(&app, &s, &sam_token, &first);
    assert_eq!(row["state"], "submitted");
    assert_eq!(row["position"], Value::Null, "the leads' order is a decision too");
    assert_eq!(row["updated"], shown_time.as_str());
    assert!(!sam.get("/proposals").body.contains("accepted"));
    assert!(!app.client().get(&mc).body.contains("Topic for Tracing"));

    // Released and published: the topic is first of one.
    assert_eq!(lead.post_form(&format!("{mc}/release"), &[]).status, 303);
    let link = topic_call_link(&lead, &mc_manage);
    let (_, second) = propose_topic(&app, &link, "tom@example.org", "Late topic", "30");
    let tom_token = api_token(&app, "tom@example.org");
    // A second topic is accepted (unreleased) and put first in the leads' order.
    assert_eq!(
        lead.post_form(&format!("{mc}/topics/{}/decision", id_of(&second)), &[("state", "accepted")]).status,
        303
    );
    assert_eq!(lead.post_form(&format!("{mc}/topics/{}/move", id_of(&second)), &[("direction", "up")]).status, 303);
    assert!(
        lead.get(&mc_manage).body.find("Late topic").unwrap() < lead.get(&mc_manage).body.find("Topic for").unwrap()
    );

    let api = app.client().get(&format!("/api/v1/conferences/{}/microconferences", s.slug)).json();
    let topics = api["microconferences"][0]["topics"].as_array().unwrap().clone();
    assert_eq!(topics.len(), 1, "{topics:?}");
    assert_eq!(topics[0]["title"], "Topic for Tracing");
    assert_eq!(topics[0]["position"], 1, "no gap where the unreleased topic sits: {topics:?}");
    assert!(!app.client().get(&mc).body.contains("Late topic"));
    assert!(!app.client().get(&format!("/c/{}/programme", s.slug)).body.contains("Late topic"));
    let tom_row = own_api_row(&app, &s, &tom_token, &second);
    assert_eq!((tom_row["state"].clone(), tom_row["position"].clone()), (Value::from("submitted"), Value::Null));
}

#[test]
fn a_decided_proposal_keeps_its_title_length_and_people() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada Proposer", false);
    let fields = |title: &'static str, minutes: &'static str, people: &'static str| {
        [
            ("title", title),
            ("abstract", "Changed abstract"),
            ("duration", minutes),
            ("people", people),
            ("action", "draft"),
        ]
    };
    let accepted = propose(
        &ada,
        &s,
        &s.talk_call,
        &[
            ("title", "Kept talk"),
            ("abstract", "x"),
            ("duration", "30"),
            ("people", "bo@example.org"),
            ("action", "submit"),
        ],
    );
    let rejected = propose(
        &ada,
        &s,
        &s.talk_call,
        &[("title", "Other talk"), ("abstract", "x"), ("duration", "30"), ("action", "submit")],
    );
    assert_eq!(org.post_form(&format!("{accepted}/decision"), &[("state", "accepted")]).status, 303);
    assert_eq!(org.post_form(&format!("{rejected}/decision"), &[("state", "rejected")]).status, 303);

    // Not released yet, the call still open: title, length and people are refused,
    // with the typed form back and a message that does not name the decision.
    let message = |body: &str| {
        let start = body.find("The title, length and people").expect("the reason is shown");
        body[start..start + body[start..].find('<').unwrap()].to_string()
    };
    let r = ada.post_form(&format!("{accepted}/edit"), &fields("Renamed talk", "30", "bo@example.org"));
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains(r#"value="Renamed talk""#), "the typed text comes back");
    let said = message(&r.body);
    assert!(!said.contains("accept") && !said.contains("reject"), "{said}");
    let r = ada.post_form(&format!("{accepted}/edit"), &fields("Kept talk", "45", "bo@example.org"));
    assert_eq!(r.status, 409);
    let r = ada.post_form(&format!("{accepted}/edit"), &fields("Kept talk", "30", "bo@example.org, cy@example.org"));
    assert_eq!(r.status, 409);
    assert_eq!(app.outbox_count("cy@example.org"), 0, "nobody was invited");
    let r = ada.post_form(&format!("{accepted}/edit"), &fields("Kept talk", "30", ""));
    assert_eq!(r.status, 409, "nobody is dropped either");
    assert_eq!(stored(&app, &accepted), ("Kept talk".into(), "accepted".into(), Some(30)));
    // A rejected one answers exactly the same.
    let r = ada.post_form(&format!("{rejected}/edit"), &fields("Renamed other", "30", ""));
    assert_eq!((r.status, message(&r.body)), (409, said.clone()));
    // The abstract is not frozen: saving it alone is an ordinary edit.
    let r = ada.post_form(&format!("{accepted}/edit"), &fields("Kept talk", "30", "bo@example.org"));
    assert_eq!(r.status, 303, "{}", r.body);

    // In the database itself, whoever asks.
    let mut c = app.db.conn();
    let err = diesel::update(p::table.find(db_id(&app, &accepted))).set(p::title.eq("Sneaky")).execute(&mut c);
    match err {
        Err(diesel::result::Error::DatabaseError(_, info)) => {
            assert_eq!(info.constraint_name(), Some("decided_proposal_fixed"))
        }
        other => panic!("a decided title changed: {other:?}"),
    }
    // Taken back to "submitted" by the organisers, it is the proposers' again.
    assert_eq!(org.post_form(&format!("{accepted}/decision"), &[("state", "submitted")]).status, 303);
    let r = ada.post_form(&format!("{accepted}/edit"), &fields("Renamed talk", "45", "bo@example.org"));
    assert_eq!(r.status, 303);
    assert_eq!(stored(&app, &accepted), ("Renamed talk".into(), "submitted".into(), Some(45)));
}

#[test]
fn withdrawing_an_accepted_proposal_tells_the_organisers_or_the_leads() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada Proposer", false);
    let lead = app.logged_in("lena@example.org", "Lena Lead", false);
    let sam = app.logged_in("sam@example.org", "Sam Speaker", false);
    publish_programme(&org, &s);

    // A released, accepted talk; the call has closed since.
    let accepted = talk(&ada, &s, "Cancelled talk", "submit");
    assert_eq!(org.post_form(&format!("{accepted}/decision"), &[("state", "accepted")]).status, 303);
    assert_eq!(org.post_form(&format!("/c/{}/manage/release", s.slug), &[]).status, 303);
    let call = uuid::Uuid::parse_str(&s.talk_call).unwrap();
    use plumbline::db::schema::calls::dsl as k;
    diesel::update(k::calls.filter(k::public_id.eq(call)))
        .set(k::closes_at.eq(Utc::now() - chrono::Duration::seconds(1)))
        .execute(&mut app.db.conn())
        .unwrap();
    assert!(app.client().get(&format!("/c/{}/programme", s.slug)).body.contains("Cancelled talk"));
    assert!(ada.get(&accepted).body.contains(&format!("{}/withdraw\"", id_of(&accepted))), "offered to withdraw");
    let r = ada.post_form(&format!("{accepted}/withdraw"), &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(stored(&app, &accepted).1, "withdrawn");
    let m = app.mail("org@example.org", "Withdrawn: Cancelled talk");
    assert!(m.text_body().contains("Ada Proposer") && m.text_body().contains("accepted"));
    assert!(!app.client().get(&format!("/c/{}/programme", s.slug)).body.contains("Cancelled talk"));

    // An accepted topic, not released yet: its MC's leads are told; Sam learns nothing new.
    let (mc_manage, topic) = accepted_mc(&app, &s, &org, &lead, &sam, "Tracing");
    let mc = mc_manage.trim_end_matches("/manage").to_string();
    assert_eq!(
        lead.post_form(&format!("{mc}/topics/{}/decision", id_of(&topic)), &[("state", "accepted")]).status,
        303
    );
    assert_eq!(sam.post_form(&format!("{topic}/withdraw"), &[]).status, 303);
    let m = app.mail("lena@example.org", "Withdrawn: Topic for Tracing");
    assert!(m.text_body().contains("Sam Speaker"));
    assert!(!sam.get(&topic).body.contains("accepted"));
    // Withdrawing an undecided proposal tells nobody.
    let before = app.outbox_count("lena@example.org");
    let link = topic_call_link(&lead, &mc_manage);
    let (una, undecided) = propose_topic(&app, &link, "una@example.org", "Undecided topic", "30");
    assert_eq!(una.post_form(&format!("{undecided}/withdraw"), &[]).status, 303);
    assert_eq!(app.outbox_count("lena@example.org"), before);
    // No mail to a proposer reveals a decision.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!app.smtp.messages().iter().any(|m| (m.is_for("sam@example.org") || m.is_for("una@example.org"))
        && (m.subject().contains("Withdrawn") || m.subject().contains("accepted"))));
}

fn set_budget(app: &TestApp, mc_manage: &str, minutes: i32) -> QueryResult<usize> {
    let public = uuid::Uuid::parse_str(mc_manage.trim_end_matches("/manage").rsplit('/').next().unwrap()).unwrap();
    diesel::update(mcs::table.filter(mcs::public_id.eq(public)))
        .set(mcs::budget_minutes.eq(minutes))
        .execute(&mut app.db.conn())
}

fn constraint_of(r: QueryResult<usize>) -> Option<String> {
    match r {
        Err(diesel::result::Error::DatabaseError(_, info)) => info.constraint_name().map(str::to_string),
        _ => None,
    }
}

#[test]
fn the_microconference_budget_holds_on_every_path_that_accepts_a_topic() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let lead = app.logged_in("lena@example.org", "Lena Lead", false);
    let sam = app.logged_in("sam@example.org", "Sam Speaker", false);
    let (mc_manage, first) = accepted_mc(&app, &s, &org, &lead, &sam, "Tracing");
    let mc = mc_manage.trim_end_matches("/manage").to_string();
    set_budget(&app, &mc_manage, 60).unwrap();
    let link = topic_call_link(&lead, &mc_manage);
    let (_, second) = propose_topic(&app, &link, "p2@example.org", "Second topic", "30");
    let (_, third) = propose_topic(&app, &link, "p3@example.org", "Third topic", "30");

    for t in [&first, &second] {
        assert_eq!(lead.post_form(&format!("{mc}/topics/{}/decision", id_of(t)), &[("state", "accepted")]).status, 303);
    }
    // Full. The lead's page, the organisers' decision on the proposal, their bulk
    // decisions and the database itself all refuse a third topic.
    let r = lead.post_form(&format!("{mc}/topics/{}/decision", id_of(&third)), &[("state", "accepted")]);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("would exceed the microconference") && r.body.contains("60 minutes"), "{}", r.body);
    let r = org.post_form(&format!("{third}/decision"), &[("state", "accepted")]);
    assert_eq!(r.status, 409, "the organisers' decision route: {}", r.body);
    assert!(r.body.contains("would exceed"));
    let r = org
        .post_form(&format!("/c/{}/manage/decisions", s.slug), &[("proposal", &id_of(&third)), ("state", "accepted")]);
    assert_eq!(r.status, 409, "bulk decisions: {}", r.body);
    let direct =
        diesel::update(p::table.find(db_id(&app, &third))).set(p::state.eq("accepted")).execute(&mut app.db.conn());
    assert_eq!(constraint_of(direct).as_deref(), Some("microconference_budget"));
    assert_eq!(stored(&app, &third).1, "submitted");
    // Nor can the budget shrink below what is accepted.
    assert_eq!(constraint_of(set_budget(&app, &mc_manage, 45)).as_deref(), Some("microconference_budget"));

    // Rejecting one frees its time for the organisers' route too.
    assert_eq!(org.post_form(&format!("{second}/decision"), &[("state", "rejected")]).status, 303);
    assert_eq!(org.post_form(&format!("{third}/decision"), &[("state", "accepted")]).status, 303);
    let page = lead.get(&mc_manage).body;
    assert!(page.contains("60 of 60 minutes"), "the organisers' acceptance is in the leads' order too");
    assert!(page.find("Topic for Tracing").unwrap() < page.find("Third topic").unwrap());
}

#[test]
fn concurrent_acceptances_cannot_overfill_a_microconference() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let lead = app.logged_in("lena@example.org", "Lena Lead", false);
    let sam = app.logged_in("sam@example.org", "Sam Speaker", false);
    let (mc_manage, first) = accepted_mc(&app, &s, &org, &lead, &sam, "Tracing");
    set_budget(&app, &mc_manage, 45).unwrap();
    let link = topic_call_link(&lead, &mc_manage);
    let (_, second) = propose_topic(&app, &link, "p2@example.org", "Second topic", "30");
    let (a, b) = (db_id(&app, &first), db_id(&app, &second));

    // Each fits alone; together they do not. The first transaction holds its
    // acceptance open while the second tries.
    let mut c1 = app.db.conn();
    let holder = std::thread::spawn(move || {
        c1.transaction::<_, diesel::result::Error, _>(|c| {
            diesel::update(p::table.find(a)).set(p::state.eq("accepted")).execute(c)?;
            std::thread::sleep(std::time::Duration::from_millis(600));
            Ok(())
        })
    });
    std::thread::sleep(std::time::Duration::from_millis(200));
    let mut c2 = app.db.conn();
    let second_try = c2.transaction::<_, diesel::result::Error, _>(|c| {
        diesel::update(p::table.find(b)).set(p::state.eq("accepted")).execute(c)
    });
    holder.join().unwrap().unwrap();
    assert_eq!(constraint_of(second_try).as_deref(), Some("microconference_budget"));
    let accepted: i64 = p::table
        .filter(p::id.eq_any([a, b]))
        .filter(p::state.eq("accepted"))
        .count()
        .get_result(&mut app.db.conn())
        .unwrap();
    assert_eq!(accepted, 1);
}

#[test]
fn an_unreleased_rejection_does_not_change_what_a_proposer_can_link_a_room_booking_to() {
    let app = TestApp::start();
    let s = conference(&app, "org@example.org");
    let org = login(&app, "org@example.org");
    let ada = app.logged_in("ada@example.org", "Ada Proposer", false);
    let bof = propose(
        &ada,
        &s,
        &s.unconf_call,
        &[("title", "BoF: rejected quietly"), ("abstract", "x"), ("duration", "45"), ("action", "submit")],
    );
    assert_eq!(org.post_form(&format!("{bof}/decision"), &[("state", "rejected")]).status, 303);
    let linkable = || {
        let mut c = app.db.conn();
        let conf = plumbline::testing::repo::conferences::by_id(&mut c, s.conf_id).unwrap();
        let ada = plumbline::testing::repo::users::find_by_email(&mut c, "ada@example.org").unwrap().unwrap();
        plumbline::services::rooms::own_unconference_proposals(&mut c, &conf, &ada)
            .unwrap()
            .into_iter()
            .map(|(_, title, _)| title)
            .collect::<Vec<_>>()
    };
    assert_eq!(linkable(), vec!["BoF: rejected quietly".to_string()], "still offered, as before the decision");
    assert_eq!(org.post_form(&format!("/c/{}/manage/release", s.slug), &[]).status, 303);
    assert!(linkable().is_empty(), "released: a rejected session is not offered");
}
