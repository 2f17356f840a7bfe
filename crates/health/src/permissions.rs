//! The module's permissions (rows of `palestra_core::permissions::GRANTS`).
//!
//! Every role may read and write its own progress; reading or writing someone else's also
//! needs the `clients` permission *and* a relation to that person (see [`crate::access`]).

palestra_core::permission!(
    /// Read progress data (one's own, or a coached person's).
    ReadProgress = "health.progress.read"
);
palestra_core::permission!(
    /// Record, correct and delete progress data (one's own, or a coached person's).
    WriteProgress = "health.progress.write"
);

/// Staff may look at the progress of the people they coach.
pub const READ_CLIENTS: &str = "health.clients.read";
/// Staff may record progress for the people they coach.
pub const WRITE_CLIENTS: &str = "health.clients.write";
