//! The account page: profile, password, confirmation link, API tokens.

use super::*;
use serde::Serialize;
use serde_json::Value;

/// The account page: profile, password, confirmation state and API tokens,
/// with the forms as typed and their errors.
#[derive(Serialize)]
pub(super) struct AccountPage {
    #[serde(skip)]
    status: StatusCode,
    profile: ProfileForm,
    errors: Value,
    password_errors: Value,
    token_form: TokenForm,
    token_errors: Value,
    /// A token just issued: shown once, on this page, never again.
    new_token: Option<String>,
    tokens: Vec<accounts::TokenRow>,
}

impl AccountPage {
    fn of(u: &User) -> AccountPage {
        AccountPage {
            status: StatusCode::OK,
            profile: ProfileForm { name: u.name.clone(), affiliation: u.affiliation.clone(), bio: u.bio.clone() },
            errors: Rejected::none().errors,
            password_errors: Rejected::none().errors,
            token_form: TokenForm { name: String::new(), scope: "read".into(), expires_in: "90d".into() },
            token_errors: Rejected::none().errors,
            new_token: None,
            tokens: Vec::new(),
        }
    }
}

pub(super) async fn account_page(ctx: &Ctx, mut page: AccountPage) -> Result<HttpResponse, AppError> {
    let user = ctx.account()?.clone();
    if user.is_verified() {
        page.tokens = ctx.state.db(move |conn, _| accounts::api_tokens(conn, &user)).await?;
    }
    render::page(ctx, page.status, "account", "Your account", &page)
}

pub(super) async fn account(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let Ok(u) = ctx.account() else {
        return Ok(render::redirect(&ctx, "/login?next=/account", None));
    };
    let page = AccountPage::of(u);
    account_page(&ctx, page).await
}

/// Which form on the account page is shown again, and what was typed in it
/// (a password is never shown again).
pub(super) enum Typed {
    Profile(ProfileForm),
    Password,
    Token(TokenForm),
}

/// The account page of `user` with one of its forms shown again.
pub(super) async fn account_again(
    ctx: &Ctx,
    user: &User,
    typed: Typed,
    rejected: Rejected,
) -> Result<HttpResponse, AppError> {
    let mut page = AccountPage::of(user);
    page.status = rejected.status;
    match typed {
        Typed::Profile(form) => {
            page.profile = form;
            page.errors = rejected.errors;
        }
        Typed::Password => page.password_errors = rejected.errors,
        Typed::Token(form) => {
            page.token_form = form;
            page.token_errors = rejected.errors;
        }
    }
    account_page(ctx, page).await
}

#[derive(Deserialize, serde::Serialize)]
pub(super) struct ProfileForm {
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

pub(super) async fn save_profile(ctx: Ctx, form: web::Form<ProfileForm>) -> Result<HttpResponse, AppError> {
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
pub(super) struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub(super) async fn change_password(ctx: Ctx, form: web::Form<PasswordForm>) -> Result<HttpResponse, AppError> {
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

pub(super) async fn resend_verification(ctx: Ctx, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let user = ctx.account()?.clone();
    let email = Email::parse(&user.email).map_err(|e| AppError::BadRequest(e.message))?;
    if !account_mail_allowed(&ctx, &req, &email).await? {
        return Err(AppError::TooManyRequests);
    }
    ctx.state.db(move |conn, st| accounts::resend_verification(conn, st, user.id)).await?;
    Ok(render::redirect(&ctx, "/account", Some("verify-sent")))
}

#[derive(Deserialize, serde::Serialize)]
pub(super) struct TokenForm {
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

pub(super) async fn issue_token(ctx: Ctx, form: web::Form<TokenForm>) -> Result<HttpResponse, AppError> {
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

pub(super) async fn revoke_token(ctx: Ctx, id: web::Path<String>) -> Result<HttpResponse, AppError> {
    let user = ctx.account()?.clone();
    let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    ctx.state.db(move |conn, _| accounts::revoke_api_token(conn, &user, id)).await?;
    Ok(render::redirect(&ctx, "/account", Some("token-revoked")))
}
