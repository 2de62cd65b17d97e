//! Mail as the outbox keeps it.

stored_words! {
    /// Where a mail in the outbox stands, as stored in `outbox.status`.
    pub enum MailStatus {
        /// Waiting for the worker (again, after a failed attempt that will be retried).
        Pending = "pending",
        Sent = "sent",
        /// Given up after the last attempt; an organiser may retry it.
        Failed = "failed",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_round_trip() {
        super::super::words::tests::round_trip(super::MailStatus::ALL);
    }
}
