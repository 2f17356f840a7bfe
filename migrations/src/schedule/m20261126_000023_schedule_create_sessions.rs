use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduleSessions {
    Table,
    Id,
    TenantId,
    ClassId,
    SeriesId,
    OccurrenceIndex,
    OriginalStartsAt,
    StartsAt,
    EndsAt,
    TrainerId,
    Room,
    Capacity,
    BookedCount,
    WaitlistCount,
    WaitlistSeq,
    Status,
    CancelledAt,
    Notes,
    Sequence,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ScheduleClasses {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ScheduleSeries {
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
        manager
            .create_table(
                Table::create()
                    .table(ScheduleSessions::Table)
                    .if_not_exists()
                    .col(pk_uuid(ScheduleSessions::Id))
                    .col(uuid(ScheduleSessions::TenantId))
                    .col(uuid(ScheduleSessions::ClassId))
                    .col(uuid_null(ScheduleSessions::SeriesId))
                    .col(integer_null(ScheduleSessions::OccurrenceIndex))
                    .col(timestamp_with_time_zone_null(
                        ScheduleSessions::OriginalStartsAt,
                    ))
                    .col(timestamp_with_time_zone(ScheduleSessions::StartsAt))
                    .col(timestamp_with_time_zone(ScheduleSessions::EndsAt))
                    .col(uuid_null(ScheduleSessions::TrainerId))
                    .col(string_len_null(ScheduleSessions::Room, 80))
                    .col(integer(ScheduleSessions::Capacity))
                    .col(integer(ScheduleSessions::BookedCount).default(0))
                    .col(integer(ScheduleSessions::WaitlistCount).default(0))
                    // Last waitlist position handed out; positions only grow.
                    .col(integer(ScheduleSessions::WaitlistSeq).default(0))
                    .col(string_len(ScheduleSessions::Status, 16))
                    .col(timestamp_with_time_zone_null(ScheduleSessions::CancelledAt))
                    .col(text_null(ScheduleSessions::Notes))
                    // iCalendar SEQUENCE: bumped by every change a calendar should see.
                    .col(integer(ScheduleSessions::Sequence).default(0))
                    .col(timestamp_with_time_zone(ScheduleSessions::CreatedAt))
                    .col(timestamp_with_time_zone(ScheduleSessions::UpdatedAt))
                    .check(Expr::col(ScheduleSessions::BookedCount).gte(0))
                    .check(
                        Expr::col(ScheduleSessions::BookedCount)
                            .lte(Expr::col(ScheduleSessions::Capacity)),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_sessions_tenant")
                            .from(ScheduleSessions::Table, ScheduleSessions::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_sessions_class")
                            .from(ScheduleSessions::Table, ScheduleSessions::ClassId)
                            .to(ScheduleClasses::Table, ScheduleClasses::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_schedule_sessions_series")
                            .from(ScheduleSessions::Table, ScheduleSessions::SeriesId)
                            .to(ScheduleSeries::Table, ScheduleSeries::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes: [(&str, Vec<ScheduleSessions>); 3] = [
            (
                "ix_schedule_sessions_starts",
                vec![ScheduleSessions::TenantId, ScheduleSessions::StartsAt],
            ),
            (
                "ix_schedule_sessions_class",
                vec![
                    ScheduleSessions::TenantId,
                    ScheduleSessions::ClassId,
                    ScheduleSessions::StartsAt,
                ],
            ),
            (
                "ix_schedule_sessions_trainer",
                vec![
                    ScheduleSessions::TenantId,
                    ScheduleSessions::TrainerId,
                    ScheduleSessions::StartsAt,
                ],
            ),
        ];
        for (name, columns) in indexes {
            let mut index = Index::create();
            index
                .if_not_exists()
                .name(name)
                .table(ScheduleSessions::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        // One occurrence per series slot, and "this and following" walks a series in order.
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .unique()
                    .name("ux_schedule_sessions_series_occurrence")
                    .table(ScheduleSessions::Table)
                    .col(ScheduleSessions::SeriesId)
                    .col(ScheduleSessions::OriginalStartsAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduleSessions::Table).to_owned())
            .await
    }
}
