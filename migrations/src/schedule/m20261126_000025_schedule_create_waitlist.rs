use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleWaitlist {
    Table,
    Id,
    TenantId,
    SessionId,
    AccountId,
    Position,
    Status,
    AddedBy,
    BookingId,
    CreatedAt,
    UpdatedAt,
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
                    .table(ScheduleWaitlist::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleWaitlist::Id))
                    .col(uuid(ScheduleWaitlist::TenantId))
                    .col(uuid(ScheduleWaitlist::SessionId))
                    .col(uuid(ScheduleWaitlist::AccountId))
                    .col(integer(ScheduleWaitlist::Position))
                    .col(
                        string_len(ScheduleWaitlist::Status, 16).check(
                            Expr::col(ScheduleWaitlist::Status)
                                .is_in(["waiting", "promoted", "left", "closed"]),
                        ),
                    )
                    .col(uuid(ScheduleWaitlist::AddedBy))
                    .col(uuid_null(ScheduleWaitlist::BookingId))
                    .col(timestamp_with_time_zone(ScheduleWaitlist::CreatedAt))
                    .col(timestamp_with_time_zone(ScheduleWaitlist::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_waitlist_tenant")
                            .from(ScheduleWaitlist::Table, ScheduleWaitlist::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_waitlist_session")
                            .from(ScheduleWaitlist::Table, ScheduleWaitlist::SessionId)
                            .to(ScheduleSessions::Table, ScheduleSessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_waitlist_account")
                            .from(ScheduleWaitlist::Table, ScheduleWaitlist::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The line, in order; a position is handed out once per session.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .unique()
                    .name("ux_schedule_waitlist_position")
                    .table(ScheduleWaitlist::Table)
                    .col(ScheduleWaitlist::SessionId)
                    .col(ScheduleWaitlist::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_schedule_waitlist_account")
                    .table(ScheduleWaitlist::Table)
                    .col(ScheduleWaitlist::TenantId)
                    .col(ScheduleWaitlist::AccountId)
                    .to_owned(),
            )
            .await?;
        // Waiting once per member per session.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX IF NOT EXISTS ux_schedule_waitlist_waiting \
                 ON schedule_waitlist (session_id, account_id) WHERE status = 'waiting'",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleWaitlist::Table).to_owned())
            .await
    }
}
