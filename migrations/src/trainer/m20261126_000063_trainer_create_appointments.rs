use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum TrainerAppointments {
    Table,
    Id,
    TenantId,
    ClientId,
    TypeId,
    StartsAt,
    EndsAt,
    BlockedFrom,
    BlockedUntil,
    Status,
    Notes,
    SeriesId,
    BookedBy,
    Credits,
    CancelledAt,
    CancelledBy,
    CancelReason,
    Sequence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TrainerAppointmentTypes {
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
        use TrainerAppointments as A;
        manager
            .create_table(
                Table::create()
                    .table(A::Table)
                    .if_not_exists()
                    .col(pk_uuid(A::Id))
                    .col(uuid(A::TenantId))
                    .col(uuid(A::ClientId))
                    .col(uuid(A::TypeId))
                    .col(timestamp_with_time_zone(A::StartsAt))
                    .col(timestamp_with_time_zone(A::EndsAt))
                    // The range the trainer is taken: the session with the type's buffers.
                    .col(timestamp_with_time_zone(A::BlockedFrom))
                    .col(timestamp_with_time_zone(A::BlockedUntil))
                    .col(string_len(A::Status, 16).check(Expr::col(A::Status).is_in([
                        "booked",
                        "cancelled",
                        "late_cancelled",
                        "completed",
                        "no_show",
                    ])))
                    .col(text_null(A::Notes))
                    .col(uuid_null(A::SeriesId))
                    .col(uuid(A::BookedBy))
                    // Credits the booking consumed (the type's figure at booking time).
                    .col(integer(A::Credits).default(0))
                    .col(timestamp_with_time_zone_null(A::CancelledAt))
                    .col(uuid_null(A::CancelledBy))
                    .col(string_len_null(A::CancelReason, 500))
                    // iCalendar SEQUENCE: bumped by every change a calendar should see.
                    .col(integer(A::Sequence).default(0))
                    .col(timestamp_with_time_zone(A::CreatedAt))
                    .col(timestamp_with_time_zone(A::UpdatedAt))
                    .check(Expr::col(A::EndsAt).gt(Expr::col(A::StartsAt)))
                    .check(Expr::col(A::BlockedFrom).lte(Expr::col(A::StartsAt)))
                    .check(Expr::col(A::BlockedUntil).gte(Expr::col(A::EndsAt)))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_appointments_tenant")
                            .from(A::Table, A::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_appointments_type")
                            .from(A::Table, A::TypeId)
                            .to(TrainerAppointmentTypes::Table, TrainerAppointmentTypes::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_trainer_appointments_client")
                            .from(A::Table, A::ClientId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes: [(&str, Vec<A>); 4] = [
            // Overlap checks and the agenda: a workspace's ranges in time order.
            (
                "ix_trainer_appointments_blocked",
                vec![A::TenantId, A::BlockedFrom],
            ),
            (
                "ix_trainer_appointments_starts",
                vec![A::TenantId, A::StartsAt],
            ),
            (
                "ix_trainer_appointments_client",
                vec![A::TenantId, A::ClientId, A::StartsAt],
            ),
            (
                "ix_trainer_appointments_series",
                vec![A::TenantId, A::SeriesId],
            ),
        ];
        for (name, columns) in indexes {
            let mut index = Index::create();
            index.if_not_exists().name(name).table(A::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TrainerAppointments::Table).to_owned())
            .await
    }
}
