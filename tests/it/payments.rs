//! Collecting the fee (issue 18) against a local Stripe double that speaks
//! Stripe's HTTP API and signs its webhooks the same way: card payment once
//! (replays and forgeries change nothing), a wrong amount flagged, an expired
//! session, a payment after the seat lapsed refunded, desk refunds with retries
//! under one idempotency key, bank transfer with statement import, and the
//! receipt PDF read back as text.

use crate::registration::{conference, tier_now};
use crate::support::stripe::{self, StripeDouble};
use crate::support::webdriver::Browser;
use crate::support::{api_token, Http, TestApp};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use regex::Regex;
use serde_json::{json, Value};
use std::time::Duration;

const TZ: &str = "Europe/Vienna";

struct Setup {
    app: TestApp,
    double: StripeDouble,
    admin: Http,
}

/// A conference "lpc" with a $300 tier and card payment pointed at the double.
fn setup(cap: u32) -> Setup {
    let double = StripeDouble::start();
    let cfg = double.config();
    let app = TestApp::start_with(move |c| c.stripe = Some(cfg));
    double.set_webhook_target(&app.url("/webhooks/stripe"));
    let (admin, tt) = conference(&app, "lpc", TZ, cap);
    tier_now(&admin, "lpc", &tt, TZ, "300");
    let r = admin.post_form(
        "/c/lpc/manage/registration/payee",
        &[
            ("legal_name", "Plumbers Conference e.V."),
            ("address", "Musterstrasse 1\n1010 Vienna"),
            ("tax_id", "ATU12345678"),
            ("bank_details", "IBAN AT61 1904 3002 3457 3201\nBIC TESTATWW"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    Setup { app, double, admin }
}

/// A logged-in attendee registered (confirmed, unpaid) for "lpc".
fn attendee(s: &Setup, email: &str, name: &str) -> Http {
    let http = s.app.logged_in(email, name, false);
    let tt = crate::registration::ticket_type_ids(&s.admin, "lpc")[0].clone();
    let r = http.post_form("/c/lpc/register", &[("ticket_type", &tt), ("badge_name", name)]);
    assert_eq!(r.status, 303, "{}", r.body);
    http
}

fn me(s: &Setup, email: &str) -> Value {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let id = diesel::sql_query("SELECT id FROM users WHERE email = $1")
        .bind::<Text, _>(email)
        .get_result::<Id>(&mut s.app.db.conn())
        .unwrap()
        .id;
    let token = api_token(&mut s.app.db.conn(), id);
    let page = s.app.client().get_with_bearer("/api/v1/conferences/lpc/registrations/me", &token);
    assert_eq!(page.status, 200, "{}", page.body);
    page.json()
}

/// "Pay now": the redirect to the double's hosted page; returns the session id.
fn pay_now(http: &Http) -> String {
    let r = http.post_form("/c/lpc/registration/pay", &[]);
    assert_eq!(r.status, 303, "{}", r.body);
    let to = r.location();
    Regex::new(r"/pay/(cs_test_\d+)$").unwrap().captures(&to).unwrap_or_else(|| panic!("{to}"))[1].to_string()
}

#[derive(QueryableByName, Debug)]
struct Money {
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    payment_status: String,
    #[diesel(sql_type = BigInt)]
    amount_paid_minor: i64,
    #[diesel(sql_type = BigInt)]
    amount_refunded_minor: i64,
}

fn money_of(app: &TestApp, email: &str) -> Money {
    diesel::sql_query(
        "SELECT r.status, r.payment_status, r.amount_paid_minor, r.amount_refunded_minor FROM registrations r \
         JOIN users u ON u.id = r.user_id WHERE u.email = $1 ORDER BY r.id DESC LIMIT 1",
    )
    .bind::<Text, _>(email)
    .get_result(&mut app.db.conn())
    .unwrap()
}

#[test]
fn card_payment_counts_once_and_forged_or_replayed_webhooks_change_nothing() {
    let s = setup(10);
    let ada = attendee(&s, "ada@example.org", "Ada Payer");
    let before = me(&s, "ada@example.org");
    assert_eq!(before["payment_status"], "unpaid");
    assert_eq!(before["amount_paid_minor"], 0);
    assert_eq!(before["payment_url"], json!(s.app.url("/c/lpc/registration/pay")));
    assert!(before["hold_expires_at"].is_string());
    let page = ada.get("/c/lpc/registration");
    assert!(page.body.contains("id=\"pay-now\""), "{}", page.body);

    // The Checkout Session carries the frozen fee and an idempotency key; a
    // second click reuses it rather than making another.
    let session = pay_now(&ada);
    assert_eq!(pay_now(&ada), session);
    let made = s.double.requests("/v1/checkout/sessions");
    assert_eq!(made.len(), 1, "{made:?}");
    let f = &made[0].form;
    assert_eq!(f["mode"], "payment");
    assert_eq!(f["line_items[0][price_data][unit_amount]"], "30000");
    assert_eq!(f["line_items[0][price_data][currency]"], "usd");
    assert_eq!(f["line_items[0][price_data][product_data][name]"], "Plumbers Test Conference · Regular");
    assert_eq!(f["client_reference_id"], before["id"].as_str().unwrap());
    assert_eq!(f["metadata[registration_id]"], before["id"].as_str().unwrap());
    assert_eq!(f["customer_email"], "ada@example.org");
    assert!(f["success_url"].starts_with(&s.app.url("/c/lpc/registration")));
    let expires: i64 = f["expires_at"].parse().unwrap();
    assert!(expires >= stripe::now() + 29 * 60 && expires <= stripe::now() + 24 * 3600, "{expires}");
    assert!(made[0].idempotency_key.starts_with("plumbline-checkout-"), "{}", made[0].idempotency_key);
    // A request whose answer was lost (Stripe made the session, we never
    // stored it) is sent again with the same key: Stripe's answer is the same
    // session, not a second one.
    diesel::sql_query("DELETE FROM checkout_sessions").execute(&mut s.app.db.conn()).unwrap();
    assert_eq!(pay_now(&ada), session);
    let again = s.double.requests("/v1/checkout/sessions");
    assert_eq!(again.len(), 2);
    assert_eq!(again[1].idempotency_key, made[0].idempotency_key);
    assert_eq!(s.double.sessions().len(), 1);

    // A forged delivery (wrong secret), a missing signature, and a stale one: 400, nothing changes.
    let fake = stripe::event(
        "checkout.session.completed",
        json!({ "id": session, "payment_status": "paid", "amount_total": 30000, "currency": "usd",
                "payment_intent": "pi_forged", "metadata": { "registration_id": before["id"] } }),
    );
    let body = serde_json::to_vec(&fake).unwrap();
    let forged = plumbline::domain::payment::sign("whsec_wrong", stripe::now(), &body);
    let hook = s.app.url("/webhooks/stripe");
    assert_eq!(stripe::deliver_signed(&hook, body.clone(), Some(&forged)).0, 400);
    assert_eq!(stripe::deliver_signed(&hook, body.clone(), None).0, 400);
    assert_eq!(stripe::deliver(&hook, &fake, stripe::now() - 600).0, 400);
    assert_eq!(money_of(&s.app, "ada@example.org").payment_status, "unpaid");

    // Paid on the hosted page: the signed webhook counts it.
    let completed = s.double.complete(&session, None);
    let m = money_of(&s.app, "ada@example.org");
    assert_eq!((m.payment_status.as_str(), m.amount_paid_minor), ("paid", 30000));
    let mail = s.app.mail("ada@example.org", "Payment received");
    assert!(mail.text_body().contains("$300.00"), "{}", mail.text_body());
    let after = me(&s, "ada@example.org");
    assert_eq!(after["payment_status"], "paid");
    assert_eq!(after["amount_paid_minor"], 30000);
    assert_eq!(after["payment_method"], "card");
    assert!(after["payment_url"].is_null() && after["hold_expires_at"].is_null());

    // The same event delivered again changes nothing and mails nobody twice.
    let replay = stripe::event("checkout.session.completed", completed.clone());
    let replay = json!({ "id": "evt_replayed", "type": replay["type"], "data": replay["data"] });
    assert!(stripe::deliver(&hook, &replay, stripe::now()).1.contains("handled"));
    assert!(stripe::deliver(&hook, &replay, stripe::now()).1.contains("replay"));
    assert_eq!(s.app.count("SELECT count(*) AS n FROM receipts"), 1);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        s.app.smtp.messages_to("ada@example.org").iter().filter(|m| m.subject().contains("Payment received")).count(),
        1
    );

    // The receipt PDF, read back by a PDF reader: number, payee, amount.
    let page = ada.get("/c/lpc/registration");
    let pdf_path = Regex::new(r#"href="(/c/lpc/registrations/[0-9a-f-]{36}/receipt\.pdf)""#)
        .unwrap()
        .captures(&page.body)
        .unwrap()[1]
        .to_string();
    let text = pdf_text(&ada, &pdf_path);
    for needle in [
        "Receipt LPC-00001",
        "Plumbers Conference e.V.",
        "Tax id: ATU12345678",
        "Amount paid: $300.00 (USD)",
        "Card (Stripe)",
        "Ada Payer",
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
    // The organisers' spreadsheet has the payment columns.
    let csv = s.admin.get("/c/lpc/manage/registration/attendees.csv").body;
    assert!(csv.lines().next().unwrap().contains("payment,payment_method,amount_paid,amount_refunded"), "{csv}");
    assert!(csv.contains(&format!("paid,card,300.00,0.00,pi_test_{session}")), "{csv}");
    // Nobody else's receipt.
    let other = s.app.logged_in("eve@example.org", "Eve", false);
    assert_eq!(other.get(&pdf_path).status, 404);
}

/// The PDF at `path`, as `pdftotext` reads it.
fn pdf_text(http: &Http, path: &str) -> String {
    let bytes = http.get_bytes(path);
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let file = std::env::temp_dir().join(format!("receipt-{:x}.pdf", rand::random::<u64>()));
    std::fs::write(&file, &bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed for the tests (see README)");
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_wrong_amount_is_counted_and_flagged_and_an_expired_session_keeps_the_hold() {
    let s = setup(10);
    let bo = attendee(&s, "bo@example.org", "Bo Short");
    let cy = attendee(&s, "cy@example.org", "Cy Expired");
    let hold_before = me(&s, "cy@example.org")["hold_expires_at"].clone();

    // Cy's session expires: the seat hold runs on, and a new "Pay now" makes a new session.
    let cy_session = pay_now(&cy);
    let expired = s.double.sessions().into_iter().find(|x| x["id"] == cy_session.as_str()).unwrap();
    let ev = stripe::event(
        "checkout.session.expired",
        json!({ "id": cy_session, "status": "expired", "metadata": expired["metadata"] }),
    );
    assert_eq!(stripe::deliver(&s.app.url("/webhooks/stripe"), &ev, stripe::now()).0, 200);
    let after = me(&s, "cy@example.org");
    assert_eq!(after["payment_status"], "unpaid");
    assert_eq!(after["hold_expires_at"], hold_before);
    assert_ne!(pay_now(&cy), cy_session);

    // Bo pays $200 of $300: counted, and flagged for the organisers.
    let session = pay_now(&bo);
    s.double.complete(&session, Some(20000));
    let m = money_of(&s.app, "bo@example.org");
    assert_eq!((m.payment_status.as_str(), m.amount_paid_minor), ("paid", 20000));
    let flagged = s.admin.get("/c/lpc/manage/registration/attendees?payment=flagged");
    assert!(flagged.body.contains("bo@example.org"), "{}", flagged.body);
    assert!(flagged.body.contains("$200.00 received by card (stripe), but the fee is $300.00."), "{}", flagged.body);
    assert!(!flagged.body.contains("cy@example.org"));
}

#[test]
fn a_payment_after_the_seat_lapsed_is_refunded_unless_a_seat_is_free() {
    let s = setup(1);
    let late = attendee(&s, "late@example.org", "Late Payer");
    let session = pay_now(&late);
    attendee(&s, "quick@example.org", "Quick");
    assert_eq!(money_of(&s.app, "quick@example.org").status, "waitlisted");
    // The hold runs out just before the payment arrives: the seat goes to the
    // one who waited (an offer) and the late payer joins the back of the waitlist.
    diesel::sql_query(
        "UPDATE registrations SET hold_expires_at = now() - interval '1 second' WHERE hold_expires_at IS NOT NULL",
    )
    .execute(&mut s.app.db.conn())
    .unwrap();
    s.double.complete(&session, None);
    assert_eq!(money_of(&s.app, "quick@example.org").status, "offered");
    let m = money_of(&s.app, "late@example.org");
    assert_eq!((m.status.as_str(), m.payment_status.as_str()), ("waitlisted", "unpaid"));
    let refunds = s.double.requests("/v1/refunds");
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert_eq!(refunds[0].form["payment_intent"], format!("pi_test_{session}"));
    assert_eq!(refunds[0].form["amount"], "30000");
    assert!(refunds[0].idempotency_key.starts_with("plumbline-refund-"));
    assert_eq!(
        s.app.count("SELECT count(*) AS n FROM refunds WHERE state = 'succeeded' AND reason = 'seat_lapsed'"),
        1
    );
    s.app.mail("late@example.org", "Your payment is being returned");

    // With nobody else waiting, the lapsed seat is offered back and the payment takes it.
    let s2 = setup(2);
    let again = attendee(&s2, "again@example.org", "Again");
    let session = pay_now(&again);
    diesel::sql_query("UPDATE registrations SET hold_expires_at = now() - interval '1 second'")
        .execute(&mut s2.app.db.conn())
        .unwrap();
    s2.double.complete(&session, None);
    let m = money_of(&s2.app, "again@example.org");
    assert_eq!((m.status.as_str(), m.payment_status.as_str()), ("confirmed", "paid"));
    assert!(s2.double.requests("/v1/refunds").is_empty());
}

#[test]
fn refunds_from_the_desk_partial_then_full_with_retries_under_one_key() {
    let s = setup(10);
    let dee = attendee(&s, "dee@example.org", "Dee Refund");
    let session = pay_now(&dee);
    s.double.complete(&session, None);
    let id = me(&s, "dee@example.org")["id"].as_str().unwrap().to_string();
    let refund = |amount: &str| {
        s.admin.post_form(&format!("/c/lpc/manage/registration/attendees/{id}/refund"), &[("amount", amount)])
    };

    // Bad amounts: a clear 400, nothing recorded.
    assert_eq!(refund("400").status, 400);
    assert_eq!(refund("-5").status, 400);
    assert_eq!(refund("lots").status, 400);
    assert!(s.double.requests("/v1/refunds").is_empty());

    // $100 back: partly refunded, the seat stays; the same amount reported by
    // Stripe's charge.refunded changes nothing and mails nobody twice.
    let r = refund("100");
    assert_eq!(r.status, 303, "{}", r.body);
    let m = money_of(&s.app, "dee@example.org");
    assert_eq!(
        (m.status.as_str(), m.payment_status.as_str(), m.amount_refunded_minor),
        ("confirmed", "partially_refunded", 10000)
    );
    let sent = s.double.requests("/v1/refunds");
    assert_eq!((sent.len(), sent[0].form["amount"].as_str()), (1, "10000"));
    s.app.mail("dee@example.org", "Refund of your registration");
    let charge = |refunded: i64| {
        stripe::event(
            "charge.refunded",
            json!({ "id": "ch_1", "object": "charge", "payment_intent": format!("pi_test_{session}"),
                                                "amount": 30000, "amount_refunded": refunded, "currency": "usd" }),
        )
    };
    assert_eq!(stripe::deliver(&s.app.url("/webhooks/stripe"), &charge(10000), stripe::now()).0, 200);
    assert_eq!(money_of(&s.app, "dee@example.org").amount_refunded_minor, 10000);
    // A further $50 refunded in Stripe's dashboard is reconciled.
    assert_eq!(stripe::deliver(&s.app.url("/webhooks/stripe"), &charge(15000), stripe::now()).0, 200);
    assert_eq!(money_of(&s.app, "dee@example.org").amount_refunded_minor, 15000);

    // The rest, while Stripe fails once: recorded and queued, then the worker
    // sends it again with the same idempotency key.
    s.double.fail_next_refunds(1);
    let r = refund("");
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location().contains("/attendees"));
    let m = money_of(&s.app, "dee@example.org");
    assert_eq!(
        (m.status.as_str(), m.payment_status.as_str(), m.amount_refunded_minor),
        ("cancelled", "refunded", 30000)
    );
    diesel::sql_query("UPDATE refunds SET created_at = now() - interval '2 minutes' WHERE state = 'pending'")
        .execute(&mut s.app.db.conn())
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while s.app.count("SELECT count(*) AS n FROM refunds WHERE state = 'pending'") > 0 {
        assert!(std::time::Instant::now() < deadline, "the pending refund was not retried");
        std::thread::sleep(Duration::from_millis(100));
    }
    let tries: Vec<_> = s.double.requests("/v1/refunds").into_iter().filter(|r| r.form["amount"] == "15000").collect();
    assert_eq!(tries.len(), 2, "{tries:?}");
    assert_eq!(tries[0].idempotency_key, tries[1].idempotency_key);
    assert_eq!(refund("1").status, 409);
}

#[test]
fn bank_transfer_reference_and_statement_import() {
    let s = setup(10);
    let tt = crate::registration::ticket_type_ids(&s.admin, "lpc")[0].clone();
    let r =
        s.admin.post_form(&format!("/c/lpc/manage/registration/ticket-types/{tt}/bank-transfer"), &[("allowed", "on")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let eva = attendee(&s, "eva@example.org", "Eva Transfer");
    let fin = attendee(&s, "fin@example.org", "Fin Short");
    let mut refs = Vec::new();
    let shown = Regex::new(r#"id="transfer-reference">([A-Z]+-[0-9A-Z]{4}-[0-9A-Z])<"#).unwrap();
    for (who, email) in [(&eva, "eva@example.org"), (&fin, "fin@example.org")] {
        assert_eq!(who.post_form("/c/lpc/registration/bank-transfer", &[]).status, 303);
        let page = who.get("/c/lpc/registration");
        let reference = shown.captures(&page.body).unwrap_or_else(|| panic!("{}", page.body))[1].to_string();
        assert!(page.body.contains("IBAN AT61 1904 3002 3457 3201"));
        let mail = s.app.mail(email, "How to pay by bank transfer");
        assert!(mail.text_body().contains(&reference));
        refs.push(reference);
    }
    // Asking again keeps the reference.
    eva.post_form("/c/lpc/registration/bank-transfer", &[]);
    assert!(eva.get("/c/lpc/registration").body.contains(&refs[0]));

    // A statement: Eva's exact payment (reference in lower case, inside text),
    // Fin's short one, a stranger's, an outgoing fee, and a line that cannot be read.
    let bad = s
        .admin
        .post_form("/c/lpc/manage/registration/bank", &[("statement", "date;amount;reference;payer\nsoon;1;x;y\n")]);
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Line 2") && bad.body.contains("soon;1;x;y"), "{}", bad.body);
    let statement = format!(
        "date;amount;reference;payer\n2026-12-01;300,00;Conference {} thanks;Eva T\n2026-12-01;250,00;{};Fin S\n2026-12-01;300,00;LPC-0000-1;Nobody\n2026-12-02;-5,00;fee;Bank\n",
        refs[0].to_lowercase(),
        refs[1]
    );
    assert_eq!(s.admin.post_form("/c/lpc/manage/registration/bank", &[("statement", &statement)]).status, 303);
    assert_eq!(s.admin.post_form("/c/lpc/manage/registration/bank", &[("statement", &statement)]).status, 303);
    assert_eq!(s.app.count("SELECT count(*) AS n FROM bank_lines"), 3);
    let page = s.admin.get("/c/lpc/manage/registration/bank");
    assert!(page.body.contains("<strong>1</strong> matched, <strong>1</strong> partly matched"), "{}", page.body);
    assert!(page.body.contains("Expected $300.00."), "{}", page.body);

    // One click confirms Eva's line: paid by bank transfer, receipt number 1.
    let row = page.body.split("<tr").find(|r| r.contains("Eva T")).unwrap();
    let confirm = Regex::new(r#"action="(/c/lpc/manage/registration/bank/[0-9a-f-]{36}/confirm)""#)
        .unwrap()
        .captures(row)
        .unwrap()[1]
        .to_string();
    assert_eq!(s.admin.post_form(&confirm, &[]).status, 303);
    assert_eq!(s.admin.post_form(&confirm, &[]).status, 409);
    let v = me(&s, "eva@example.org");
    assert_eq!(
        (v["payment_status"].as_str(), v["payment_method"].as_str(), v["amount_paid_minor"].as_i64()),
        (Some("paid"), Some("bank_transfer"), Some(30000))
    );
    s.app.mail("eva@example.org", "Payment received");
    assert!(s.admin.get("/c/lpc/manage/registration/bank").body.contains("<strong>1</strong> confirmed"));
}

#[test]
fn browser_register_pay_by_card_and_read_the_receipt() {
    Browser::require();
    let s = setup(10);
    s.app.user("zoe@example.org", "Zoë Browser", false);
    let tt = crate::registration::ticket_type_ids(&s.admin, "lpc")[0].clone();
    let b = Browser::start();
    b.goto(&s.app.url("/login?next=/c/lpc/register"));
    b.fill("#email", "zoe@example.org");
    b.fill("#password", crate::support::PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("h1", "Register", Duration::from_secs(10)), "{}", b.page_source());
    b.click(&format!("#tt-{tt}"));
    b.fill("#badge_name", "Zoë");
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("#reg-status", "Confirmed", Duration::from_secs(10)), "{}", b.page_source());
    b.click("#pay-now");
    assert!(b.wait_for_url("/pay/cs_test_", Duration::from_secs(10)), "{}", b.current_url());
    b.click("#stripe-pay");
    assert!(b.wait_for_text("#reg-payment", "Paid", Duration::from_secs(10)), "{}", b.page_source());
    assert!(b.text("#amount-paid").contains("$300.00"));
    assert!(b.text("#receipt-number").contains("LPC-00001"));
    let href = b.attr("#receipt-pdf", "href").unwrap();
    assert!(href.ends_with("/receipt.pdf"), "{href}");
}

#[test]
fn browser_the_statement_file_is_read_into_the_form() {
    Browser::require();
    let s = setup(10);
    let csv = std::env::temp_dir().join(format!("statement-{:x}.csv", rand::random::<u64>()));
    std::fs::write(&csv, "date,amount,reference,payer\n2026-12-01,300.00,nobody,Someone\n").unwrap();
    let b = Browser::start();
    b.goto(&s.app.url("/login?next=/c/lpc/manage/registration/bank"));
    b.fill("#email", "admin@example.org");
    b.fill("#password", crate::support::PASSWORD);
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("h1", "Bank transfers", Duration::from_secs(10)), "{}", b.page_source());
    // The script (a static file, under the strict CSP) offers a file picker.
    assert!(b.exists("#statement-file"), "{}", b.page_source());
    let picker = b.find("#statement-file");
    b.cmd("POST", &format!("element/{picker}/value"), json!({ "text": csv.to_str().unwrap() }));
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let typed = || {
        b.execute("return document.getElementById('statement').value", vec![]).as_str().unwrap_or_default().to_string()
    };
    while !typed().contains("nobody") {
        assert!(std::time::Instant::now() < deadline, "the file was not read into the field");
        std::thread::sleep(Duration::from_millis(100));
    }
    b.click("form.stack button[type=submit]");
    assert!(b.wait_for_text("main", "1 unmatched", Duration::from_secs(10)), "{}", b.page_source());
    let _ = std::fs::remove_file(csv);
}
