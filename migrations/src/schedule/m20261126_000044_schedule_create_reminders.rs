use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleReminders {
    Table,
    Id,
    TenantId,
    BookingId,
    SentAt,
}

#[derive(DeriveIden)]
enum ScheduleBookings {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A reminder sent for a booking. The unique booking id is the claim: the instance whose
        // insert lands sends the reminder, in the same transaction; every other one skips it.
        manager
            .create_table(
                Table::create()
                    .table(ScheduleReminders::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleReminders::Id))
                    .col(uuid(ScheduleReminders::TenantId))
                    .col(uuid(ScheduleReminders::BookingId))
                    .col(timestamp_with_time_zone(ScheduleReminders::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_reminders_tenant")
                            .from(ScheduleReminders::Table, ScheduleReminders::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_reminders_booking")
                            .from(ScheduleReminders::Table, ScheduleReminders::BookingId)
                            .to(ScheduleBookings::Table, ScheduleBookings::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .unique()
                    .name("ux_schedule_reminders_booking")
                    .table(ScheduleReminders::Table)
                    .col(ScheduleReminders::BookingId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleReminders::Table).to_owned())
            .await
    }
}
