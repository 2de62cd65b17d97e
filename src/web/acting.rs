//! What most buttons of the conference pages do first: the acting person and
//! the conference named in the path, looked up in the same database call as
//! the service that acts.

use crate::error::AppError;
use crate::services::accounts::User;
use crate::services::conferences::{self, Conference};
use crate::services::Db;
use crate::state::AppState;
use crate::web::context::Ctx;

impl Ctx {
    /// Runs `act` with the acting (confirmed) user and the conference named
    /// `slug`: 401/403 as `user` says, 404 when there is no such conference.
    /// Who may do what is `act`'s service's business.
    pub async fn in_conference<T, F>(&self, slug: &str, act: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db, &AppState, &User, &Conference) -> Result<T, AppError> + Send + 'static,
    {
        let user = self.user()?.clone();
        let slug = slug.to_string();
        self.state
            .db(move |conn, st| {
                let conf = conferences::find(conn, &slug)?;
                act(conn, st, &user, &conf)
            })
            .await
    }
}

impl Ctx {
    /// `in_conference` for the conference's organisers only: 403 for anyone else.
    pub async fn organising<T, F>(&self, slug: &str, act: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Db, &AppState, &User, &Conference) -> Result<T, AppError> + Send + 'static,
    {
        self.in_conference(slug, move |conn, st, user, conf| {
            conferences::require_organiser(conn, conf, user)?;
            act(conn, st, user, conf)
        })
        .await
    }
}

/// The answer to an invitation (to a proposal, to the committee).
#[derive(serde::Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

impl AnswerForm {
    /// Whether the invitation is accepted; anything but accept or decline is a 400.
    pub fn accepts(&self) -> Result<bool, AppError> {
        match self.answer.as_str() {
            "accept" => Ok(true),
            "decline" => Ok(false),
            _ => Err(AppError::BadRequest("Choose accept or decline.".into())),
        }
    }
}
