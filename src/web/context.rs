//! `Ctx`: who is asking (from the session cookie), their CSRF token and any flash message.

use crate::error::AppError;
use crate::services::accounts;
use crate::services::accounts::User;
use crate::state::AppState;
use crate::web::csrf::CsrfToken;
use crate::web::{FLASH_COOKIE, SESSION_COOKIE};
use actix_web::{dev::Payload, web, FromRequest, HttpMessage, HttpRequest};
use std::future::Future;
use std::pin::Pin;

#[derive(Clone)]
pub struct Ctx {
    /// The person acting: a logged-in account whose address is confirmed. An
    /// unconfirmed account is not here (deny by default: every route that asks
    /// for a user treats it as a visitor), only in `account`.
    pub user: Option<User>,
    /// Whoever is logged in, confirmed or not: for their own account page.
    pub account: Option<User>,
    pub session_token: Option<String>,
    pub csrf: String,
    pub flash: Option<String>,
    pub state: web::Data<AppState>,
}

impl Ctx {
    /// The acting (confirmed) user: 401 for nobody, 403 "confirm first" for an unconfirmed account.
    pub fn user(&self) -> Result<&User, AppError> {
        match (&self.user, &self.account) {
            (Some(u), _) => Ok(u),
            (None, Some(_)) => Err(AppError::Unverified),
            (None, None) => Err(AppError::Unauthorized),
        }
    }

    /// The logged-in account, confirmed or not (its own account page only).
    pub fn account(&self) -> Result<&User, AppError> {
        self.account.as_ref().ok_or(AppError::Unauthorized)
    }

    /// A redirect to the login page (coming back to `here`) when nobody is logged in.
    /// An unconfirmed account is sent to its account page to confirm first.
    pub fn login_first(&self, here: &str) -> Option<actix_web::HttpResponse> {
        self.user.is_none().then(|| self.to_login(here))
    }

    /// Where someone who must act goes: the login page (coming back to `here`),
    /// or, logged in with an unconfirmed address, their account page to confirm it.
    pub fn to_login(&self, here: &str) -> actix_web::HttpResponse {
        if self.account.is_some() {
            return crate::web::render::redirect(self, "/account", Some("verify-first"));
        }
        let q = serde_urlencoded::to_string([("next", here)]).unwrap_or_default();
        crate::web::render::redirect(self, &format!("/login?{q}"), None)
    }
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Ctx, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let session_token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() <= 64);
        let csrf = req.extensions().get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default();
        let flash = req.cookie(FLASH_COOKIE).map(|c| c.value().to_string()).and_then(|v| flash_text(&v));
        Box::pin(async move {
            let state = state.ok_or_else(|| AppError::internal("no app state"))?;
            let account = match session_token.clone() {
                Some(t) => session_user(&state, t).await?,
                None => None,
            };
            let session_token = if account.is_some() { session_token } else { None };
            let user = crate::services::policy::acting(account.as_ref()).cloned();
            Ok(Ctx { user, account, session_token, csrf, flash, state })
        })
    }
}

/// The account a session cookie belongs to, remembered like the page cache's
/// values: every logged-in page asks it, and a trip to the database for it
/// was half the cost of a page kept once (`web::overlay`). A logout or
/// password change through this instance moves the epoch, so it holds here
/// at once; on other instances within the cache's ttl (a second by default).
/// Kept under a hash of the token, never the token itself.
async fn session_user(state: &web::Data<crate::state::AppState>, token: String) -> Result<Option<User>, AppError> {
    let key = format!("session:{}", hex::encode(&crate::security::hash_token(&token)[..16]));
    if let Some(known) = state.pages.recall::<Option<User>>(&key) {
        return Ok((*known).clone());
    }
    let epoch = state.pages.epoch();
    let user = state.db(move |conn, _| accounts::user_for_session(conn, &token)).await?;
    state.pages.remember(key, epoch, std::sync::Arc::new(user.clone()));
    Ok(user)
}

/// Flash messages travel as a key, not as text, so nobody can put words on our pages via a cookie.
/// A few keys carry a count (`key-left:3`): only a number, read as one.
pub fn flash_text(key: &str) -> Option<String> {
    if let Some((key, n)) = key.split_once("-left:") {
        let n: u32 = n.parse().ok()?;
        let left = format!(
            "except for {n} {} left for another organiser: you have a conflict of interest with {}.",
            if n == 1 { "proposal" } else { "proposals" },
            if n == 1 { "it" } else { "them" }
        );
        return match key {
            "decision-saved" => Some(format!("The decisions were saved, {left}")),
            "decisions-released" => Some(format!("The decisions were released and the mail is on its way, {left}")),
            _ => None,
        };
    }
    let text = match key {
        "logged-in" => "Welcome back. You are logged in.",
        "logged-out" => "You are logged out.",
        "verified" => "Thank you: your email address is confirmed.",
        "verify-sent" => "We sent you a new confirmation link.",
        "verify-first" => "Please confirm your email address first: follow the link we mailed you, or ask for a new one below.",
        "token-revoked" => "The API token was revoked: it no longer works.",
        "password-changed" => "Your password was changed. Your other sessions were logged out.",
        "password-reset" => "Your password was reset. Please log in with the new one.",
        "profile-saved" => "Your profile was saved.",
        "conference-created" => "The conference was created.",
        "organiser-granted" => "The organiser was appointed and told by mail.",
        "organiser-invited" => "There is no verified account with that address yet: we mailed an invitation. The role is granted when they confirm their address.",
        "organiser-exists" => "That person is already an organiser.",
        "token-issued" => "A new API token was issued.",
        "proposal-saved" => "Your proposal was saved as a draft. Submit it before the call closes.",
        "proposal-submitted" => "Your proposal was submitted. We mailed you a confirmation.",
        "proposal-withdrawn" => "Your proposal was withdrawn.",
        "invitation-accepted" => "You accepted the invitation: you can now see and edit this proposal.",
        "invitation-declined" => "You declined the invitation.",
        "call-saved" => "The call was saved.",
        "track-added" => "The track was added.",
        "track-exists" => "That track exists already.",
        "track-deleted" => "The track was deleted.",
        "decision-saved" => "The decision was saved.",
        "programme-published" => "The programme is published.",
        "programme-hidden" => "The programme is hidden from the public again.",
        "window-saved" => "The topic call's dates were saved.",
        "review-saved" => "Your review was saved.",
        "preference-saved" => "Your preference was saved.",
        "session-proposed" => "Your session is on the board. You are marked essential to it.",
        "interest-saved" => "Noted.",
        "plan-applied" => "The sessions were planned and their rooms booked.",
        "autoplan-saved" => "The daily plan was saved.",
        "co-located" => "The conferences are co-located now.",
        "separated" => "The conference is no longer co-located; its shared tracks are held at home again.",
        "track-hosting-saved" => "Where the track is held, and who may attend it, was saved.",
        "plan-nothing-new" => "Nothing new to plan in that window.",
        "assignments-saved" => "The assignments were saved.",
        "assignment-saved" => "The assignment was changed.",
        "reminders-sent" => "Reminders are on their way to the reviewers behind (at most one a day each).",
        "review-settings-saved" => "The review settings were saved.",
        "all-reviewed" => "You have reviewed everything here. Thank you!",
        "conflict-declared" => "Noted: you will not see this proposal again.",
        "conflict-set" => "The conflict of interest was recorded.",
        "committee-joined" => "Welcome to the programme committee.",
        "member-invited" => "The invitation was sent.",
        "member-updated" => "That person was invited before; their calls and tracks were updated.",
        "decisions-released" => "The decisions were released and the mail is on its way.",
        "templates-saved" => "The notification templates were saved.",
        "registration-settings-saved" => "The registration settings were saved.",
        "ticket-type-added" => "The ticket type was added.",
        "tier-added" => "The fee tier was added.",
        "tier-saved" => "The fee tier was saved. Existing registrations keep the fee they were given.",
        "tier-deleted" => "The fee tier was deleted. Existing registrations keep the fee they were given.",
        "registration-confirmed" => "You are registered. We sent a confirmation by mail.",
        "registration-waitlisted" => "The conference is full: you are on the waitlist. We will mail you when a seat is free.",
        "registration-cancelled" => "Your registration is cancelled. We sent a confirmation by mail.",
        "registration-paid" => "The registration is marked paid.",
        "registration-invoiced" => "The registration is marked invoiced: payment is due, and the seat no longer lapses.",
        "registration-refunded" => "The refund went through; the person was told by mail. A full refund also ends the registration.",
        "registration-refund-queued" => "The refund is recorded; Stripe did not answer yet, so it is sent again shortly.",
        "registration-refund-manual" => "The refund is recorded; pay the money back by bank transfer (it was not paid by card).",
        "payment-flag-cleared" => "The note on that payment was cleared.",
        "payee-saved" => "The payee and bank details were saved.",
        "bank-transfer-chosen" => "Here are the bank details and your reference; we mailed them to you too.",
        "statement-imported" => "The statement was imported. Confirm the matched lines below.",
        "bank-line-confirmed" => "The transfer is confirmed: the registration is paid and the receipt mailed.",
        "bank-transfer-toggled" => "Bank transfer for that ticket type was changed.",
        "payment-received" => "Thank you: your payment is being confirmed. This page shows it as paid once Stripe tells us.",
        "registration-cancelled-by-organiser" => "The registration was cancelled and the person told by mail.",
        "registration-checked-in" => "Checked in.",
        "schedule-imported" => "The accepted microconferences and talks were added.",
        "schedule-item-added" => "The session was added. Place it in a room and a time.",
        "schedule-placed" => "The session was placed.",
        "schedule-undone" => "Your last move was undone.",
        "speaker-confirmed" => "Thank you: you confirmed that you will present it.",
        "speaker-declined" => "You declined. The organisers can see it; if you change your mind, confirm below.",
        "conference-copied" => "The copy is made: check its calls, fee tiers and rooms, then open it.",
        "group-mail-sent" => "The mail is queued for everyone in the group; this page shows each message as it goes out.",
        "reminder-days-saved" => "Speakers who have not answered are reminded after that many days.",
        "schedule-unplaced" => "The session was taken out of the schedule.",
        "schedule-item-deleted" => "The session was deleted.",
        "schedule-published" => "A new version of the schedule is published.",
        "room-added" => "The room was added.",
        "room-saved" => "The room was saved.",
        "room-deleted" => "The room was deleted.",
        "room-settings-saved" => "The booking hours and rules were saved.",
        "booking-made" => "The room is booked for you. It shows on the room board and in the calendar feeds.",
        "booking-cancelled" => "The booking was cancelled; the range is free again.",
        "room-blocked" => "The room is blocked for that period.",
        "booking-moved" => "The booking was moved.",
        "mail-requeued" => "The mail is queued again and will be sent shortly.",
        "idea-posted" => "Your idea is on the board. You support it.",
        "idea-supported" => "You support this idea.",
        "idea-volunteered" => "You volunteered to lead this idea.",
        "lead-withdrawn" => "You no longer volunteer to lead this idea (you still support it).",
        "support-withdrawn" => "Your support was withdrawn.",
        "comment-posted" => "Your comment was posted.",
        "idea-proposed" => "This draft proposal was made from the idea; the other volunteers are invited as co-leads. Check it and submit it before the call closes.",
        "idea-hidden" => "The idea is hidden from everyone but the organisers.",
        "idea-shown" => "The idea is shown again.",
        "comment-hidden" => "The comment is hidden from everyone but the organisers.",
        "comment-shown" => "The comment is shown again.",
        "idea-merged" => "The ideas were merged: the supporters and volunteers are on this one now.",
        _ => return None,
    };
    Some(text.to_string())
}
