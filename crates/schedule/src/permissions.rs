//! The schedule's permissions; the roles that hold each are in
//! `palestra_core::permissions::GRANTS` (the `// schedule` block).

use palestra_core::permission;

permission!(
    /// Read categories, classes, sessions and the timetable.
    ViewClasses = "schedule.classes.read"
);
permission!(
    /// Create and edit categories and classes.
    ManageClasses = "schedule.classes.manage"
);
permission!(
    /// Schedule, edit and cancel sessions and series.
    ManageSessions = "schedule.sessions.manage"
);
permission!(
    /// Book, cancel and wait for one's own places.
    BookClasses = "schedule.bookings.book"
);
permission!(
    /// Book, cancel and wait for places on a member's behalf.
    ManageBookings = "schedule.bookings.manage"
);
permission!(
    /// Mark attendance (attended, no-show).
    ManageAttendance = "schedule.attendance.manage"
);
permission!(
    /// Read the gym's booking rules.
    ViewSettings = "schedule.settings.read"
);
permission!(
    /// Change the gym's booking rules.
    ManageSettings = "schedule.settings.manage"
);
