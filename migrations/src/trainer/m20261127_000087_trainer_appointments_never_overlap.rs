use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Postgres: the trainer is never in two places at once, whatever the concurrency. An
        // exclusion constraint refuses a blocking appointment whose range (buffers included)
        // overlaps another of the same workspace, so bookings of different times run in
        // parallel instead of queueing on one calendar lock. `btree_gist` lends GiST the `=` on
        // the workspace id; it lives in `public` (a trusted extension: the database owner may
        // create it), taken under an advisory lock so that migrations running side by side in
        // one database do not race to create it. SQLite serialises writers (`BEGIN IMMEDIATE`)
        // and the booking code checks the calendar inside that transaction.
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "DO $$ BEGIN \
               PERFORM pg_advisory_xact_lock(hashtext('palestra.extension.btree_gist')); \
               IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'btree_gist') THEN \
                 CREATE EXTENSION btree_gist WITH SCHEMA public; \
               END IF; \
             END $$",
        )
        .await?;
        db.execute_unprepared(
            "ALTER TABLE trainer_appointments ADD CONSTRAINT ex_trainer_appointments_overlap \
             EXCLUDE USING gist (tenant_id WITH =, tstzrange(blocked_from, blocked_until) WITH &&) \
             WHERE (status IN ('booked', 'completed', 'no_show'))",
        )
        .await
        .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE trainer_appointments \
                 DROP CONSTRAINT IF EXISTS ex_trainer_appointments_overlap",
            )
            .await
            .map(|_| ())
    }
}
