use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleBookings {
    Table,
    Id,
    TenantId,
    SessionId,
    AccountId,
    Status,
    BookedBy,
    WalkIn,
    CreatedAt,
    UpdatedAt,
    CancelledAt,
    CancelledBy,
    AttendanceMarkedAt,
    AttendanceMarkedBy,
}

#[derive(DeriveIden)]
enum ScheduleSessions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScheduleBookings::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleBookings::Id))
                    .col(uuid(ScheduleBookings::TenantId))
                    .col(uuid(ScheduleBookings::SessionId))
                    .col(uuid(ScheduleBookings::AccountId))
                    .col(string_len(ScheduleBookings::Status, 16).check(
                        Expr::col(ScheduleBookings::Status).is_in([
                            "booked",
                            "cancelled",
                            "late_cancelled",
                            "attended",
                            "no_show",
                        ]),
                    ))
                    .col(uuid(ScheduleBookings::BookedBy))
                    .col(boolean(ScheduleBookings::WalkIn).default(false))
                    .col(timestamp_with_time_zone(ScheduleBookings::CreatedAt))
                    .col(timestamp_with_time_zone(ScheduleBookings::UpdatedAt))
                    .col(timestamp_with_time_zone_null(ScheduleBookings::CancelledAt))
                    .col(uuid_null(ScheduleBookings::CancelledBy))
                    .col(timestamp_with_time_zone_null(
                        ScheduleBookings::AttendanceMarkedAt,
                    ))
                    .col(uuid_null(ScheduleBookings::AttendanceMarkedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_bookings_tenant")
                            .from(ScheduleBookings::Table, ScheduleBookings::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_bookings_session")
                            .from(ScheduleBookings::Table, ScheduleBookings::SessionId)
                            .to(ScheduleSessions::Table, ScheduleSessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_bookings_account")
                            .from(ScheduleBookings::Table, ScheduleBookings::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_schedule_bookings_session")
                    .table(ScheduleBookings::Table)
                    .col(ScheduleBookings::SessionId)
                    .col(ScheduleBookings::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_schedule_bookings_account")
                    .table(ScheduleBookings::Table)
                    .col(ScheduleBookings::TenantId)
                    .col(ScheduleBookings::AccountId)
                    .col(ScheduleBookings::CreatedAt)
                    .to_owned(),
            )
            .await?;
        // One active booking per member per session, whatever the concurrency: a partial unique
        // index in the same syntax on Postgres and SQLite. Cancelled rows stay as history.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS ux_schedule_bookings_active \
                 ON schedule_bookings (session_id, account_id) \
                 WHERE status IN ('booked', 'attended', 'no_show')",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleBookings::Table).to_owned())
            .await
    }
}
