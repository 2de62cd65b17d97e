use crate::state::State;
use actix_web::{get, HttpResponse};

/// 200 `ok` when the database answers, 503 otherwise (for load balancers and monitors).
#[get("/healthz")]
pub async fn healthz(state: State) -> HttpResponse {
    let result = state.db(|conn, _| crate::services::health::database_answers(conn)).await;
    match result {
        Ok(_) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        Err(_) => HttpResponse::ServiceUnavailable().content_type("text/plain").body("database unavailable"),
    }
}
