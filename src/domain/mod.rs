//! Pure rules and validated types: no I/O here. Parse, don't validate.

#[macro_use]
pub mod words;

pub mod account;
pub mod assignment;
pub mod booking;
pub mod conference;
pub mod csv;
pub mod fees;
pub mod ical;
pub mod mail;
pub mod markdown;
pub mod mc_idea;
pub mod money;
pub mod net;
pub mod payment;
#[cfg(test)]
mod properties;
pub mod proposal;
pub mod registration;
pub mod review;
pub mod schedule;
pub mod schedule_export;
pub mod schedule_grid;
pub mod text;
pub mod time;
pub mod unconference;
pub mod unconference_plan;

/// A field-level problem with what someone typed, shown next to that field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError { field, message: message.into() }
    }
}

/// Collects field errors while a whole form is parsed, so a person sees every problem at once.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<FieldError>);

impl Problems {
    pub fn check<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
