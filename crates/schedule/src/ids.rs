//! The schedule's public ids: UUIDv7 newtypes.

use palestra_core::typed_id;

typed_id!(
    /// A class category.
    CategoryId
);
typed_id!(
    /// A class of the timetable.
    ClassId
);
typed_id!(
    /// A recurring series of sessions.
    SeriesId
);
typed_id!(
    /// One session of a class (not a login session).
    ClassSessionId
);
typed_id!(
    /// A member's booking of a session.
    BookingId
);
typed_id!(
    /// A place in a session's waitlist.
    WaitlistEntryId
);
