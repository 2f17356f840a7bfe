use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerReminders {
    Table,
    AppointmentId,
    StartsAt,
    TenantId,
    SentAt,
}

#[derive(DeriveIden)]
enum Tenants {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per reminder sent: an appointment at a start time. Inserting it is the claim
        // (the primary key decides between instances), in the transaction that writes the
        // message to the outbox. A rescheduled appointment has a new start, so a new reminder.
        manager
            .create_table(
                Table::create()
                    .table(TrainerReminders::Table)
                    .if_not_exists()
                    .col(uuid(TrainerReminders::AppointmentId))
                    .col(timestamp_with_time_zone(TrainerReminders::StartsAt))
                    .col(uuid(TrainerReminders::TenantId))
                    .col(timestamp_with_time_zone(TrainerReminders::SentAt))
                    .primary_key(
                        Index::create()
                            .col(TrainerReminders::AppointmentId)
                            .col(TrainerReminders::StartsAt),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_reminders_tenant")
                            .from(TrainerReminders::Table, TrainerReminders::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The reminder job looks across workspaces for booked appointments starting soon.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX IF NOT EXISTS ix_trainer_appointments_booked_start \
                 ON trainer_appointments (starts_at) WHERE status = 'booked'",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS ix_trainer_appointments_booked_start")
            .await?;
        manager
            .drop_table(Table::drop().table(TrainerReminders::Table).to_owned())
            .await
    }
}
