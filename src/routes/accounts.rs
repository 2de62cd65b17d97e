//! Sign-up, verification, login/logout, profile, password change and reset.

use crate::domain::account::{Email, NewPassword};
use crate::domain::{text, Problems};
use crate::error::AppError;
use crate::security;
use crate::services::accounts::{self, LoginGate};
use crate::state::blocking;
use crate::web::context::Ctx;
use crate::web::render::{self, errors_json};
use crate::web::{cookie, removal, safe_next, SESSION_COOKIE};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/signup", web::get().to(signup_form))
        .route("/signup", web::post().to(signup))
        .route("/verify", web::get().to(verify))
        .route("/login", web::get().to(login_form))
        .route("/login", web::post().to(login))
        .route("/logout", web::post().to(logout))
        .route("/account", web::get().to(account))
        .route("/account/profile", web::post().to(save_profile))
        .route("/account/password", web::post().to(change_password))
        .route("/account/verify", web::post().to(resend_verification))
        .route("/account/tokens", web::post().to(issue_token))
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
    let next = safe_next(q.next.as_deref());
    let data = json!({ "form": { "name": "", "email": "", "next": next }, "errors": {} });
    render::ok(&ctx, "signup", "Create an account", data)
}

async fn signup(ctx: Ctx, form: web::Form<SignupForm>) -> Result<HttpResponse, AppError> {
    let mut p = Problems::default();
    let name = p.check(text::single_line("name", &form.name, 1, 200));
    let email = p.check(Email::parse(&form.email));
    let password = p.check(NewPassword::parse("password", &form.password));
    let (Some(name), Some(email), Some(password)) = (name, email, password) else {
        let next = safe_next(form.next.as_deref());
        let data =
            json!({ "form": { "name": form.name, "email": form.email, "next": next }, "errors": errors_json(&p.0) });
        return render::page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, "signup", "Create an account", data);
    };
    let hash = blocking(move || security::hash_password(password.expose())).await?.map_err(AppError::internal)?;
    let shown = email.to_string();
    let next = safe_next(form.next.as_deref());
    ctx.state.db(move |conn, st| accounts::sign_up(conn, st, &email, &name, &hash, &next)).await?;
    render::ok(&ctx, "signup_done", "Check your mail", json!({ "email": shown }))
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
    next: Option<String>,
}

async fn verify(ctx: Ctx, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let next = safe_next(q.next.as_deref());
    let token = q.token;
    let user = ctx.state.db(move |conn, _| accounts::verify_email(conn, &token)).await?;
    match user {
        Some(_) if ctx.user.is_some() => {
            Ok(render::redirect(&ctx, if next == "/" { "/account" } else { &next }, Some("verified")))
        }
        Some(_) if next != "/" => {
            let to = format!("/login?{}", serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default());
            Ok(render::redirect(&ctx, &to, Some("verified")))
        }
        Some(_) => Ok(render::redirect(&ctx, "/login", Some("verified"))),
        None => render::page(
            &ctx,
            StatusCode::BAD_REQUEST,
            "message",
            "Link not valid",
            json!({
                "heading": "This link does not work any more",
                "message": "Confirmation links work once and expire after 48 hours. Log in and ask for a new one from your account page.",
            }),
        ),
    }
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
    let client = super::client_key(&req);
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
        ctx.state.db(move |conn, _| accounts::record_login_failure(conn, &email, &client)).await?;
        // The same words whether the account exists or not.
        return fail(&ctx, StatusCode::UNAUTHORIZED, "Wrong email or password.");
    };
    let previous = ctx.session_token.clone();
    let token = ctx.state.db(move |conn, _| accounts::start_session(conn, user.id, previous.as_deref())).await?;
    let mut resp = render::redirect(&ctx, &next, Some("logged-in"));
    resp.add_cookie(&cookie(SESSION_COOKIE, token, ctx.state.config.secure_cookies(), Some(accounts::SESSION_DAYS)))
        .ok();
    Ok(resp)
}

async fn logout(ctx: Ctx) -> Result<HttpResponse, AppError> {
    if let Some(t) = ctx.session_token.clone() {
        ctx.state.db(move |conn, _| accounts::end_session(conn, &t)).await?;
    }
    let mut resp = render::redirect(&ctx, "/", Some("logged-out"));
    resp.add_cookie(&removal(SESSION_COOKIE, ctx.state.config.secure_cookies())).ok();
    Ok(resp)
}

fn login_required(ctx: &Ctx, here: &str) -> Option<HttpResponse> {
    if ctx.user.is_none() {
        Some(render::redirect(ctx, &format!("/login?next={here}"), None))
    } else {
        None
    }
}

fn account_page(
    ctx: &Ctx,
    status: StatusCode,
    profile: serde_json::Value,
    errors: serde_json::Value,
    password_errors: serde_json::Value,
    new_token: Option<String>,
) -> Result<HttpResponse, AppError> {
    render::page(
        ctx,
        status,
        "account",
        "Your account",
        json!({
            "profile": profile, "errors": errors, "password_errors": password_errors, "new_token": new_token,
        }),
    )
}

async fn account(ctx: Ctx) -> Result<HttpResponse, AppError> {
    if let Some(r) = login_required(&ctx, "/account") {
        return Ok(r);
    }
    let u = ctx.user()?;
    let profile = json!({ "name": u.name, "affiliation": u.affiliation, "bio": u.bio });
    account_page(&ctx, StatusCode::OK, profile, json!({}), json!({}), None)
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

async fn save_profile(ctx: Ctx, form: web::Form<ProfileForm>) -> Result<HttpResponse, AppError> {
    let user_id = ctx.user()?.id;
    let mut p = Problems::default();
    let name = p.check(text::single_line("name", &form.name, 1, 200));
    let affiliation = p.check(text::single_line("affiliation", &form.affiliation, 0, 200));
    let bio = p.check(text::multi_line("bio", &form.bio, 0, 2000));
    let (Some(name), Some(affiliation), Some(bio)) = (name, affiliation, bio) else {
        let profile = serde_json::to_value(&*form).map_err(AppError::internal)?;
        return account_page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, profile, errors_json(&p.0), json!({}), None);
    };
    ctx.state.db(move |conn, _| accounts::update_profile(conn, user_id, &name, &affiliation, &bio)).await?;
    Ok(render::redirect(&ctx, "/account", Some("profile-saved")))
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

async fn change_password(ctx: Ctx, form: web::Form<PasswordForm>) -> Result<HttpResponse, AppError> {
    let user = ctx.user()?.clone();
    let session = ctx.session_token.clone().ok_or(AppError::Unauthorized)?;
    let profile = json!({ "name": user.name, "affiliation": user.affiliation, "bio": user.bio });
    let form = form.into_inner();
    let stored = user.password_hash.clone();
    let current = form.current_password.clone();
    let current_ok =
        form.current_password.len() <= 1024 && blocking(move || security::verify_password(&current, &stored)).await?;
    let mut p = Problems::default();
    if !current_ok {
        p.add("current_password", "is not your current password");
    }
    let new = p.check(NewPassword::parse("new_password", &form.new_password));
    let Some(new) = new.filter(|_| p.is_empty()) else {
        return account_page(&ctx, StatusCode::UNPROCESSABLE_ENTITY, profile, json!({}), errors_json(&p.0), None);
    };
    let hash = blocking(move || security::hash_password(new.expose())).await?.map_err(AppError::internal)?;
    ctx.state.db(move |conn, st| accounts::change_password(conn, st, &user, &hash, &session)).await?;
    Ok(render::redirect(&ctx, "/account", Some("password-changed")))
}

async fn resend_verification(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let user_id = ctx.user()?.id;
    ctx.state.db(move |conn, st| accounts::resend_verification(conn, st, user_id)).await?;
    Ok(render::redirect(&ctx, "/account", Some("verify-sent")))
}

async fn issue_token(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let u = ctx.user()?;
    let user_id = u.id;
    let profile = json!({ "name": u.name, "affiliation": u.affiliation, "bio": u.bio });
    let token = ctx.state.db(move |conn, _| accounts::issue_api_token(conn, user_id)).await?;
    // Shown once, on this page, never again: only its hash is stored.
    account_page(&ctx, StatusCode::OK, profile, json!({}), json!({}), Some(token))
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    render::ok(&ctx, "forgot", "Forgot your password?", json!({ "form": { "email": "" }, "errors": {}, "sent": false }))
}

async fn forgot(ctx: Ctx, form: web::Form<ForgotForm>) -> Result<HttpResponse, AppError> {
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => {
            return render::page(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "forgot",
                "Forgot your password?",
                json!({
                    "form": { "email": form.email }, "errors": errors_json(&[e]), "sent": false,
                }),
            )
        }
    };
    ctx.state.db(move |conn, st| accounts::request_password_reset(conn, st, &email)).await?;
    // The same answer whether or not the address has an account.
    render::ok(
        &ctx,
        "forgot",
        "Forgot your password?",
        json!({ "form": { "email": form.email }, "errors": {}, "sent": true }),
    )
}

async fn reset_form(ctx: Ctx, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().token;
    let t = token.clone();
    let live = token.len() <= 64 && ctx.state.db(move |conn, _| accounts::reset_token_live(conn, &t)).await?;
    if !live {
        return bad_reset_link(&ctx);
    }
    render::ok(&ctx, "reset", "Choose a new password", json!({ "token": token, "errors": {} }))
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
    let form = form.into_inner();
    let password = match NewPassword::parse("password", &form.password) {
        Ok(p) => p,
        Err(e) => {
            return render::page(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                "reset",
                "Choose a new password",
                json!({
                    "token": form.token, "errors": errors_json(&[e]),
                }),
            )
        }
    };
    if form.token.len() > 64 {
        return bad_reset_link(&ctx);
    }
    let hash = blocking(move || security::hash_password(password.expose())).await?.map_err(AppError::internal)?;
    let token = form.token;
    let done = ctx.state.db(move |conn, st| accounts::reset_password(conn, st, &token, &hash)).await?;
    if !done {
        return bad_reset_link(&ctx);
    }
    let mut resp = render::redirect(&ctx, "/login", Some("password-reset"));
    resp.add_cookie(&removal(SESSION_COOKIE, ctx.state.config.secure_cookies())).ok();
    Ok(resp)
}
