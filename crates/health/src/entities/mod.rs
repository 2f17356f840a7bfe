//! The module's tables. Every one is tenant-owned and queried through
//! `palestra_core::scope::scoped`; rows also name the person (`account_id`) they are about.

pub mod goal;
pub mod measurement;
pub mod photo;

palestra_core::typed_id!(
    /// One measurement (an observation of one metric at one instant).
    MeasurementId
);
palestra_core::typed_id!(
    /// A goal on one metric.
    GoalId
);
palestra_core::typed_id!(
    /// A progress photo's record.
    PhotoId
);
