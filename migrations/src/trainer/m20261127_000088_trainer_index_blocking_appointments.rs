use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Free slots and the dashboard's figures are computed from the appointments that take
        // the trainer's time. Cancelled ones stay in the table for the record and can outnumber
        // the others on some dates; indexes of the blocking rows alone keep those reads
        // proportional to what they return. By blocked range (both ends, for free slots), it
        // replaces the index of every row by start of range, which only that read used; by
        // start, for the dashboard's counts and next sessions.
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS ix_trainer_appointments_blocking \
             ON trainer_appointments (tenant_id, blocked_from, blocked_until) \
             WHERE status IN ('booked', 'completed', 'no_show')",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS ix_trainer_appointments_blocking_starts \
             ON trainer_appointments (tenant_id, starts_at) \
             WHERE status IN ('booked', 'completed', 'no_show')",
        )
        .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS ix_trainer_appointments_blocked")
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX IF NOT EXISTS ix_trainer_appointments_blocked \
             ON trainer_appointments (tenant_id, blocked_from)",
        )
        .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS ix_trainer_appointments_blocking_starts")
            .await?;
        db.execute_unprepared("DROP INDEX IF EXISTS ix_trainer_appointments_blocking")
            .await
            .map(|_| ())
    }
}
