//! Sign-up, verification, login/logout, profile, password change and reset.

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
use serde::Deserialize;
use serde_json::json;
use std::convert::Infallible;

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

fn signup_page(ctx: &Ctx, form: &SignupForm, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let next = safe_next(form.next.as_deref());
    let data = json!({ "form": { "name": form.name, "email": form.email, "next": next }, "errors": rejected.errors });
    render::page(ctx, rejected.status, "signup", "Create an account", data)
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
        |shown| std::future::ready(render::ok(&ctx, "signup_done", "Check your mail", json!({ "email": shown }))),
    )
    .await
}

const TOO_MANY_MAILS: &str = "has been sent several mails already: please wait an hour, or check your spam folder";

/// Counts a mail that anyone could make us send to `email` (per address and per client).
async fn account_mail_allowed(ctx: &Ctx, req: &HttpRequest, email: &Email) -> Result<bool, AppError> {
    let (email, client) = (email.to_string(), super::client_key(req, &ctx.state.config));
    ctx.state.db(move |conn, _| accounts::account_mail_allowed(conn, &email, &client)).await
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
    next: Option<String>,
}

/// The page a confirmation link opens: it only shows a button (a POST), so a
/// mail scanner that follows every link confirms nothing.
async fn verify_page(ctx: Ctx, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let t = q.token.clone();
    let Some(target) = ctx.state.db(move |conn, _| accounts::verification_target(conn, &t)).await? else {
        return bad_verify_link(&ctx);
    };
    verify_form(&ctx, StatusCode::OK, &target, &q.token, &safe_next(q.next.as_deref()), None)
}

fn verify_form(
    ctx: &Ctx,
    status: StatusCode,
    target: &crate::services::accounts::User,
    token: &str,
    next: &str,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    // Logged in as this very account here: whoever set the password is the one
    // reading the mail. Anyone else proves it with the password.
    let same_session = ctx.account.as_ref().is_some_and(|a| a.id == target.id);
    render::page(
        ctx,
        status,
        "verify",
        "Confirm your address",
        json!({ "token": token, "next": next, "email": target.email, "same_session": same_session, "error": error }),
    )
}

fn bad_verify_link(ctx: &Ctx) -> Result<HttpResponse, AppError> {
    render::page(
        ctx,
        StatusCode::BAD_REQUEST,
        "message",
        "Link not valid",
        json!({
            "heading": "This link does not work any more",
            "message": "Confirmation links work once and expire after 48 hours. Log in and ask for a new one from your account page.",
        }),
    )
}

#[derive(Deserialize)]
struct VerifyForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

async fn verify(ctx: Ctx, req: HttpRequest, form: web::Form<VerifyForm>) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let t = form.token.clone();
    let Some(target) = ctx.state.db(move |conn, _| accounts::verification_target(conn, &t)).await? else {
        return bad_verify_link(&ctx);
    };
    let same_session = ctx.account.as_ref().is_some_and(|a| a.id == target.id);
    if !same_session {
        let client = super::client_key(&req, &ctx.state.config);
        if !password_proven(&ctx, &target, form.password.clone(), client).await? {
            let msg = "That is not the password of this account. If you did not create it, choose a new password \
                       with “Forgot your password?”.";
            return verify_form(&ctx, StatusCode::UNAUTHORIZED, &target, &form.token, &next, Some(msg));
        }
    }
    let token = form.token;
    let Some((_, session)) = ctx.state.db(move |conn, _| accounts::verify_email(conn, &token)).await? else {
        return bad_verify_link(&ctx);
    };
    let to = if next == "/" { "/account" } else { &next };
    Ok(with_session(&ctx, render::redirect(&ctx, to, Some("verified")), session))
}

/// Whether `password` is the account's, counted like a login attempt.
async fn password_proven(
    ctx: &Ctx,
    user: &crate::services::accounts::User,
    password: String,
    client: String,
) -> Result<bool, AppError> {
    let (email, c) = (user.email.clone(), client.clone());
    let gate = ctx.state.db(move |conn, _| accounts::login_gate(conn, &email, &c)).await?;
    if matches!(gate, LoginGate::Throttled) || password.len() > 1024 {
        return Ok(false);
    }
    let stored = user.password_hash.clone();
    let good = blocking(move || security::verify_password(&password, &stored)).await?;
    if good {
        let email = user.email.clone();
        ctx.state.db(move |conn, _| accounts::login_attempt_was_right(conn, &email, &client)).await?;
    }
    Ok(good)
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_form(ctx: Ctx, q: web::Query<NextQuery>) -> Result<HttpResponse, AppError> {
    let next = safe_next(q.next.as_deref());
    render::ok(&ctx, "login", "Log in", json!({ "form": { "email": "", "next": next }, "error": null }))
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
    let client = super::client_key(&req, &ctx.state.config);
    let fail = |ctx: &Ctx, status: StatusCode, msg: &str| {
        render::page(
            ctx,
            status,
            "login",
            "Log in",
            json!({ "form": { "email": form.email, "next": next }, "error": msg }),
        )
    };
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

/// The account page: profile, password, confirmation state and API tokens.
struct AccountPage {
    status: StatusCode,
    profile: serde_json::Value,
    errors: serde_json::Value,
    password_errors: serde_json::Value,
    token_form: serde_json::Value,
    token_errors: serde_json::Value,
    new_token: Option<String>,
}

impl AccountPage {
    fn of(u: &crate::services::accounts::User) -> AccountPage {
        AccountPage {
            status: StatusCode::OK,
            profile: json!({ "name": u.name, "affiliation": u.affiliation, "bio": u.bio }),
            errors: json!({}),
            password_errors: json!({}),
            token_form: json!({ "name": "", "scope": "read", "expires_in": "90d" }),
            token_errors: json!({}),
            new_token: None,
        }
    }
}

async fn account_page(ctx: &Ctx, page: AccountPage) -> Result<HttpResponse, AppError> {
    let user = ctx.account()?.clone();
    let tokens =
        if user.is_verified() { ctx.state.db(move |conn, _| accounts::api_tokens(conn, &user)).await? } else { vec![] };
    let now = chrono::Utc::now();
    let utc = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string());
    let tokens: Vec<_> = tokens
        .iter()
        .map(|t| {
            let state = if t.revoked_at.is_some() {
                "revoked"
            } else if t.expires_at.is_some_and(|e| e <= now) {
                "expired"
            } else {
                "live"
            };
            json!({
                "id": t.public_id, "name": t.name, "scope": t.scope, "created": utc(Some(t.created_at)),
                "last_used": utc(t.last_used_at), "expires": utc(t.expires_at), "state": state, "live": state == "live",
            })
        })
        .collect();
    render::page(
        ctx,
        page.status,
        "account",
        "Your account",
        json!({
            "profile": page.profile, "errors": page.errors, "password_errors": page.password_errors,
            "new_token": page.new_token, "tokens": tokens, "token_form": page.token_form,
            "token_errors": page.token_errors,
        }),
    )
}

async fn account(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let Ok(u) = ctx.account() else {
        return Ok(render::redirect(&ctx, "/login?next=/account", None));
    };
    let page = AccountPage::of(u);
    account_page(&ctx, page).await
}

/// Which form on the account page is shown again, and what was typed in it
/// (a password is never shown again).
enum Typed {
    Profile(ProfileForm),
    Password,
    Token(TokenForm),
}

/// The account page of `user` with one of its forms shown again.
async fn account_again(ctx: &Ctx, user: &User, typed: Typed, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let mut page = AccountPage::of(user);
    page.status = rejected.status;
    match typed {
        Typed::Profile(form) => {
            page.profile = serde_json::to_value(&form).map_err(AppError::internal)?;
            page.errors = rejected.errors;
        }
        Typed::Password => page.password_errors = rejected.errors,
        Typed::Token(form) => {
            page.token_form = serde_json::to_value(&form).map_err(AppError::internal)?;
            page.token_errors = rejected.errors;
        }
    }
    account_page(ctx, page).await
}

#[derive(Deserialize, serde::Serialize)]
struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    affiliation: String,
    #[serde(default)]
    bio: String,
}

impl ProfileForm {
    fn parse(&self) -> Result<(String, String, String), Problems> {
        let mut p = Problems::default();
        let name = p.check(text::single_line("name", &self.name, 1, 200));
        let affiliation = p.check(text::single_line("affiliation", &self.affiliation, 0, 200));
        let bio = p.check(text::multi_line("bio", &self.bio, 0, 2000));
        match (name, affiliation, bio) {
            (Some(name), Some(affiliation), Some(bio)) => Ok((name, affiliation, bio)),
            _ => Err(p),
        }
    }
}

async fn save_profile(ctx: Ctx, form: web::Form<ProfileForm>) -> Result<HttpResponse, AppError> {
    let user = ctx.account()?.clone();
    let user_id = user.id;
    form::handle(
        form.into_inner(),
        ProfileForm::parse,
        |(name, affiliation, bio)| async {
            let saved = ctx.state.db(move |conn, _| accounts::update_profile(conn, user_id, &name, &affiliation, &bio));
            saved.await.map(Ok::<_, Infallible>)
        },
        |e| match e {},
        |form, rejected| account_again(&ctx, &user, Typed::Profile(form), rejected),
        |_| std::future::ready(form::see_other(&ctx, "/account", "profile-saved")),
    )
    .await
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(ctx: Ctx, form: web::Form<PasswordForm>) -> Result<HttpResponse, AppError> {
    let user = ctx.account()?.clone();
    let form = form.into_inner();
    let stored = user.password_hash.clone();
    let current = form.current_password.clone();
    // The slow check runs first: parsing the form needs its answer.
    let current_ok =
        form.current_password.len() <= 1024 && blocking(move || security::verify_password(&current, &stored)).await?;
    let parse = |form: &PasswordForm| {
        let mut p = Problems::default();
        if !current_ok {
            p.add("current_password", "is not your current password");
        }
        let new = p.check(NewPassword::parse("new_password", &form.new_password));
        new.filter(|_| p.is_empty()).ok_or(p)
    };
    let u = user.clone();
    form::handle(
        form,
        parse,
        |new| async {
            let hash = blocking(move || security::hash_password(new.expose())).await?.map_err(AppError::internal)?;
            // Every session and token of the account ends; this browser gets a new session.
            let session = ctx.state.db(move |conn, st| accounts::change_password(conn, st, &u, &hash)).await?;
            Ok(Ok::<_, Infallible>(session))
        },
        |e| match e {},
        |_, rejected| account_again(&ctx, &user, Typed::Password, rejected),
        |session| {
            std::future::ready(Ok(with_session(
                &ctx,
                render::redirect(&ctx, "/account", Some("password-changed")),
                session,
            )))
        },
    )
    .await
}

async fn resend_verification(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let user = ctx.account()?.clone();
    let email = Email::parse(&user.email).map_err(|e| AppError::BadRequest(e.message))?;
    if !account_mail_allowed(&ctx, &req, &email).await? {
        return Err(AppError::TooManyRequests);
    }
    ctx.state.db(move |conn, st| accounts::resend_verification(conn, st, user.id)).await?;
    Ok(render::redirect(&ctx, "/account", Some("verify-sent")))
}

#[derive(Deserialize, serde::Serialize)]
struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    expires_in: String,
}

impl TokenForm {
    fn parse(&self) -> Result<accounts::TokenRequest, Problems> {
        let mut p = Problems::default();
        let name = p.check(text::single_line("name", &self.name, 1, 100));
        let scope = p.check(ApiScope::parse(&self.scope));
        let lifetime = p.check(parse_token_lifetime(&self.expires_in));
        match (name, scope, lifetime) {
            (Some(name), Some(scope), Some(lifetime)) => Ok(accounts::TokenRequest { name, scope, lifetime }),
            _ => Err(p),
        }
    }
}

async fn issue_token(ctx: Ctx, form: web::Form<TokenForm>) -> Result<HttpResponse, AppError> {
    // Only a confirmed account holds tokens (403 "confirm first" otherwise).
    let user = ctx.user()?.clone();
    let u = user.clone();
    form::handle(
        form.into_inner(),
        TokenForm::parse,
        |request| async {
            let issued = ctx.state.db(move |conn, _| accounts::issue_api_token(conn, &u, &request));
            issued.await.map(Ok::<_, Infallible>)
        },
        |e| match e {},
        |form, rejected| account_again(&ctx, &user, Typed::Token(form), rejected),
        |token| async {
            // Shown once, on this page, never again: only its hash is stored.
            let mut page = AccountPage::of(&user);
            page.new_token = Some(token);
            account_page(&ctx, page).await
        },
    )
    .await
}

async fn revoke_token(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let user = ctx.account()?.clone();
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    ctx.state.db(move |conn, _| accounts::revoke_api_token(conn, &user, id)).await?;
    Ok(render::redirect(&ctx, "/account", Some("token-revoked")))
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    forgot_page(&ctx, "", Rejected::none(), false)
}

fn forgot_page(ctx: &Ctx, email: &str, rejected: Rejected, sent: bool) -> Result<HttpResponse, AppError> {
    let data = json!({ "form": { "email": email }, "errors": rejected.errors, "sent": sent });
    render::page(ctx, rejected.status, "forgot", "Forgot your password?", data)
}

async fn forgot(ctx: Ctx, req: HttpRequest, form: web::Form<ForgotForm>) -> Result<HttpResponse, AppError> {
    let typed = form.email.clone();
    form::handle(
        form.into_inner(),
        |form| Email::parse(&form.email).map_err(|e| Problems(vec![e])),
        |email| async {
            // Counted whether or not the address has an account, so the limit reveals nothing.
            if !account_mail_allowed(&ctx, &req, &email).await? {
                return Ok(Err(TooManyMails));
            }
            ctx.state.db(move |conn, st| accounts::request_password_reset(conn, st, &email)).await?;
            Ok(Ok(()))
        },
        too_many_mails,
        |form, rejected| std::future::ready(forgot_page(&ctx, &form.email, rejected, false)),
        // The same answer whether or not the address has an account.
        |()| std::future::ready(forgot_page(&ctx, &typed, Rejected::none(), true)),
    )
    .await
}

async fn reset_form(ctx: Ctx, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().token;
    let t = token.clone();
    let live = token.len() <= 64 && ctx.state.db(move |conn, _| accounts::reset_token_live(conn, &t)).await?;
    if !live {
        return bad_reset_link(&ctx);
    }
    reset_page(&ctx, &token, Rejected::none())
}

fn reset_page(ctx: &Ctx, token: &str, rejected: Rejected) -> Result<HttpResponse, AppError> {
    let data = json!({ "token": token, "errors": rejected.errors });
    render::page(ctx, rejected.status, "reset", "Choose a new password", data)
}

fn bad_reset_link(ctx: &Ctx) -> Result<HttpResponse, AppError> {
    render::page(
        ctx,
        StatusCode::BAD_REQUEST,
        "message",
        "Link not valid",
        json!({
            "heading": "This reset link does not work any more",
            "message": "Reset links work once and expire after an hour. Ask for a new one on the “Forgot your password?” page.",
        }),
    )
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

async fn reset(ctx: Ctx, form: web::Form<ResetForm>) -> Result<HttpResponse, AppError> {
    let token = form.token.clone();
    form::handle(
        form.into_inner(),
        |form| NewPassword::parse("password", &form.password).map_err(|e| Problems(vec![e])),
        |password| async {
            // A dead link is refused before the slow hash.
            let t = token.clone();
            if t.len() > 64 || !ctx.state.db(move |conn, _| accounts::reset_token_live(conn, &t)).await? {
                return Ok(Ok(false));
            }
            let hash =
                blocking(move || security::hash_password(password.expose())).await?.map_err(AppError::internal)?;
            let t = token.clone();
            let done = ctx.state.db(move |conn, st| accounts::reset_password(conn, st, &t, &hash)).await?;
            Ok(Ok::<_, Infallible>(done))
        },
        |e| match e {},
        |form, rejected| std::future::ready(reset_page(&ctx, &form.token, rejected)),
        |done| std::future::ready(reset_done(&ctx, done)),
    )
    .await
}

/// After a reset: to the login page with this browser's session ended, or the
/// dead-link page when the link no longer worked.
fn reset_done(ctx: &Ctx, done: bool) -> Result<HttpResponse, AppError> {
    if !done {
        return bad_reset_link(ctx);
    }
    let mut resp = render::redirect(ctx, "/login", Some("password-reset"));
    resp.add_cookie(&removal(SESSION_COOKIE, ctx.state.config.secure_cookies())).ok();
    Ok(resp)
}
