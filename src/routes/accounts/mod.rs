//! Sign-up, verification, login/logout, profile, password change and reset.

use super::client_key;
use crate::domain::account::{parse_token_lifetime, ApiScope, Email, NewPassword};
use crate::domain::{text, FieldError, Problems};
use crate::error::AppError;
use crate::security;
use crate::services::accounts::{self, LoginGate, User};
use crate::state::blocking;
use crate::web::context::Ctx;
use crate::web::form::{self, Refusal, Rejected};
use crate::web::render;
use crate::web::{cookie, removal, safe_next, SESSION_COOKIE};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;

mod account;
mod reset;
mod verify;

use account::*;
use reset::*;
use verify::*;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/signup", web::get().to(signup_form))
        .route("/signup", web::post().to(signup))
        .route("/verify", web::get().to(verify_page))
        .route("/verify", web::post().to(verify))
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/account", web::get().to(account))
        .route("/account/profile", web::post().to(save_profile))
        .route("/account/password", web::post().to(change_password))
        .route("/account/verify", web::post().to(resend_verification))
        .route("/account/tokens", web::post().to(issue_token))
        .route("/account/tokens/{id}/revoke", web::post().to(revoke_token))
        .route("/password/forgot", web::get().to(forgot_form))
        .route("/password/forgot", web::post().to(forgot))
        .route("/password/reset", web::get().to(reset_form))
        .route("/password/reset", web::post().to(reset));
}

#[derive(Deserialize, Default)]
pub struct SignupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn signup_form(ctx: Ctx, q: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    let form = SignupForm { next: q.into_inner().next, ..Default::default() };
    signup_page(&ctx, &form, Rejected::none())
}

/// The sign-up form as shown (never the password), and its errors.
#[derive(Serialize)]
struct SignupPage<'a> {
    form: SignupShown<'a>,
    errors: serde_json::Value,
}

#[derive(Serialize)]
struct SignupShown<'a> {
    name: &'a str,
    email: &'a str,
    next: String,
}

fn signup_page(ctx: &Ctx, form: &SignupForm, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let data = SignupPage { form: SignupShown { name: &form.name, email: &form.email, next }, errors: rejected.errors };
    render::page(ctx, rejected.status, "signup", "Create an account", data)
}

/// After signing up: where the confirmation link went.
#[derive(Serialize)]
struct SignupDone {
    email: String,
}

impl SignupForm {
    fn parse(&self) -> Result<(String, Email, NewPassword), Problems> {
        let mut p = Problems::default();
        let name = p.check(text::single_line("name", &self.name, 1, 200));
        let email = p.check(Email::parse(&self.email));
        let password = p.check(NewPassword::parse("password", &self.password));
        match (name, email, password) {
            (Some(name), Some(email), Some(password)) => Ok((name, email, password)),
            _ => Err(p),
        }
    }
}

/// Too many mails went to an address already: 429 on its field.
struct TooManyMails;

fn too_many_mails(_: TooManyMails) -> Refusal {
    Refusal::Again(Rejected::fields(StatusCode::TOO_MANY_REQUESTS, &[FieldError::new("email", TOO_MANY_MAILS)]))
}

async fn signup(ctx: Ctx, req: HttpRequest, form: web::Form<SignupForm>) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    form::handle(
        form.into_inner(),
        SignupForm::parse,
        |(name, email, password)| async {
            // Throttled before the slow hash, so a flood costs us a counter, not a CPU.
            if !account_mail_allowed(&ctx, &req, &email).await? {
                return Ok(Err(TooManyMails));
            }
            let hash =
                blocking(move || security::hash_password(password.expose())).await?.map_err(AppError::internal)?;
            let shown = email.to_string();
            ctx.state.db(move |conn, st| accounts::sign_up(conn, st, &email, &name, &hash, &next)).await?;
            Ok(Ok(shown))
        },
        too_many_mails,
        |form, rejected| std::future::ready(signup_page(&ctx, &form, rejected)),
        |email| std::future::ready(render::ok(&ctx, "signup_done", "Check your mail", SignupDone { email })),
    )
    .await
}

const TOO_MANY_MAILS: &str = "has been sent several mails already: please wait an hour, or check your spam folder";

/// Counts a mail that anyone could make us send to `email` (per address and per client).
async fn account_mail_allowed(ctx: &Ctx, req: &HttpRequest, email: &Email) -> Result<bool, AppError> {
    let (email, client) = (email.to_string(), client_key(req, &ctx.state.config));
    ctx.state.db(move |conn, _| accounts::account_mail_allowed(conn, &email, &client)).await
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(ctx: Ctx, q: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    login_page(&ctx, StatusCode::OK, "", &safe_next(q.next.as_deref()), None)
}

/// The login form as shown (never the password), and why a login failed.
#[derive(Serialize)]
struct LoginPage<'a> {
    form: LoginShown<'a>,
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct LoginShown<'a> {
    email: &'a str,
    next: &'a str,
}

fn login_page(
    ctx: &Ctx,
    status: StatusCode,
    email: &str,
    next: &str,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    render::page(ctx, status, "login", "Log in", LoginPage { form: LoginShown { email, next }, error })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn login(ctx: Ctx, req: HttpRequest, form: web::Form<LoginForm>) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let email = form.email.trim().to_lowercase();
    let client = client_key(&req, &ctx.state.config);
    let fail = |ctx: &Ctx, status: StatusCode, msg: &str| login_page(ctx, status, &form.email, &next, Some(msg));
    if email.len() > 254 || email.contains(char::is_control) || form.password.len() > 1024 {
        return fail(&ctx, StatusCode::UNPROCESSABLE_ENTITY, "Wrong email or password.");
    }
    let (e, c) = (email.clone(), client.clone());
    let gate = ctx.state.db(move |conn, _| accounts::login_gate(conn, &e, &c)).await?;
    let user = match gate {
        LoginGate::Throttled => {
            return fail(
                &ctx,
                StatusCode::TOO_MANY_REQUESTS,
                "Too many failed attempts. Please wait five minutes, or reset your password.",
            )
        }
        LoginGate::Check(user) => user,
    };
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let password = form.password.clone();
    let good =
        blocking(move || security::verify_password(&password, stored.as_deref().unwrap_or(security::dummy_hash())))
            .await?;
    let Some(user) = user.filter(|_| good) else {
        // The attempt was counted as a failure before the check. The same
        // words whether the account exists or not.
        return fail(&ctx, StatusCode::UNAUTHORIZED, "Wrong email or password.");
    };
    let previous = ctx.session_token.clone();
    let token = ctx
        .state
        .db(move |conn, _| accounts::login_succeeded(conn, user.id, &email, &client, previous.as_deref()))
        .await?;
    Ok(with_session(&ctx, render::redirect(&ctx, &next, Some("logged-in")), token))
}

/// A link that no longer works (used, expired, or never ours): 400 with what to do instead.
#[derive(Serialize)]
struct DeadLink {
    heading: &'static str,
    message: &'static str,
}

fn dead_link(ctx: &Ctx, heading: &'static str, message: &'static str) -> Result<HttpResponse, AppError> {
    render::page(ctx, StatusCode::BAD_REQUEST, "message", "Link not valid", DeadLink { heading, message })
}

/// The response, carrying the browser's new session cookie.
fn with_session(ctx: &Ctx, mut resp: HttpResponse, token: String) -> HttpResponse {
    resp.add_cookie(&cookie(SESSION_COOKIE, token, ctx.state.config.secure_cookies(), Some(accounts::SESSION_DAYS)))
        .ok();
    resp
}

async fn logout(ctx: Ctx) -> Result<HttpResponse, AppError> {
    if let Some(t) = ctx.session_token.clone() {
        ctx.state.db(move |conn, _| accounts::end_session(conn, &t)).await?;
    }
    let mut resp = render::redirect(&ctx, "/", Some("logged-out"));
    resp.add_cookie(&removal(SESSION_COOKIE, ctx.state.config.secure_cookies())).ok();
    Ok(resp)
}
