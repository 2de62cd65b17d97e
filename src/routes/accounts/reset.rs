//! Forgotten passwords: the reset mail and the new password.

use super::*;

#[derive(Deserialize)]
pub(super) struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub(super) async fn forgot_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    forgot_page(&ctx, "", Rejected::none(), false)
}

/// The "forgot your password?" form as typed, its errors, and whether a mail went out.
#[derive(Serialize)]
struct ForgotPage<'a> {
    form: ForgotShown<'a>,
    errors: serde_json::Value,
    sent: bool,
}

#[derive(Serialize)]
struct ForgotShown<'a> {
    email: &'a str,
}

pub(super) fn forgot_page(ctx: &Ctx, email: &str, rejected: Rejected, sent: bool) -> Result<HttpResponse, AppError> {
    let data = ForgotPage { form: ForgotShown { email }, errors: rejected.errors, sent };
    render::page(ctx, rejected.status, "forgot", "Forgot your password?", data)
}

pub(super) async fn forgot(ctx: Ctx, req: HttpRequest, form: web::Form<ForgotForm>) -> Result<HttpResponse, AppError> {
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

pub(super) async fn reset_form(ctx: Ctx, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().token;
    let t = token.clone();
    let live = token.len() <= 64 && ctx.state.db(move |conn, _| accounts::reset_token_live(conn, &t)).await?;
    if !live {
        return bad_reset_link(&ctx);
    }
    reset_page(&ctx, &token, Rejected::none())
}

/// The new password form of a reset link, and its errors.
#[derive(Serialize)]
struct ResetPage<'a> {
    token: &'a str,
    errors: serde_json::Value,
}

pub(super) fn reset_page(ctx: &Ctx, token: &str, rejected: Rejected) -> Result<HttpResponse, AppError> {
    render::page(ctx, rejected.status, "reset", "Choose a new password", ResetPage { token, errors: rejected.errors })
}

pub(super) fn bad_reset_link(ctx: &Ctx) -> Result<HttpResponse, AppError> {
    dead_link(
        ctx,
        "This reset link does not work any more",
        "Reset links work once and expire after an hour. Ask for a new one on the “Forgot your password?” page.",
    )
}

#[derive(Deserialize)]
pub(super) struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

pub(super) async fn reset(ctx: Ctx, form: web::Form<ResetForm>) -> Result<HttpResponse, AppError> {
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
pub(super) fn reset_done(ctx: &Ctx, done: bool) -> Result<HttpResponse, AppError> {
    if !done {
        return bad_reset_link(ctx);
    }
    let mut resp = render::redirect(ctx, "/login", Some("password-reset"));
    resp.add_cookie(&removal(SESSION_COOKIE, ctx.state.config.secure_cookies())).ok();
    Ok(resp)
}
