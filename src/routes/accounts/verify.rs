//! Confirming an address: the page a link opens, and the POST that confirms.

use super::*;
use crate::services::policy;

#[derive(Deserialize)]
pub(super) struct TokenQuery {
    #[serde(default)]
    pub(super) token: String,
    pub(super) next: Option<String>,
}

/// The page a confirmation link opens: it only shows a button (a POST), so a
/// mail scanner that follows every link confirms nothing.
pub(super) async fn verify_page(ctx: Ctx, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let t = q.token.clone();
    let Some(target) = ctx.state.db(move |conn, _| accounts::verification_target(conn, &t)).await? else {
        return bad_verify_link(&ctx);
    };
    verify_form(&ctx, StatusCode::OK, &target, &q.token, &safe_next(q.next.as_deref()), None)
}

pub(super) fn verify_form(
    ctx: &Ctx,
    status: StatusCode,
    target: &crate::services::accounts::User,
    token: &str,
    next: &str,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    // Logged in as this very account here: whoever set the password is the one
    // reading the mail. Anyone else proves it with the password.
    let same_session = policy::confirms_without_password(ctx.account.as_ref(), target);
    let data = VerifyPage { token, next, email: &target.email, same_session, error };
    render::page(ctx, status, "verify", "Confirm your address", data)
}

/// The page a confirmation link opens: its button, and why confirming failed.
#[derive(Serialize)]
struct VerifyPage<'a> {
    token: &'a str,
    next: &'a str,
    email: &'a str,
    /// Logged in as this account here: no password asked.
    same_session: bool,
    error: Option<&'a str>,
}

pub(super) fn bad_verify_link(ctx: &Ctx) -> Result<HttpResponse, AppError> {
    dead_link(
        ctx,
        "This link does not work any more",
        "Confirmation links work once and expire after 48 hours. Log in and ask for a new one from your account page.",
    )
}

#[derive(Deserialize)]
pub(super) struct VerifyForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub(super) async fn verify(ctx: Ctx, req: HttpRequest, form: web::Form<VerifyForm>) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let t = form.token.clone();
    let Some(target) = ctx.state.db(move |conn, _| accounts::verification_target(conn, &t)).await? else {
        return bad_verify_link(&ctx);
    };
    let same_session = policy::confirms_without_password(ctx.account.as_ref(), &target);
    if !same_session {
        let client = client_key(&req, &ctx.state.config);
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
pub(super) async fn password_proven(
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
