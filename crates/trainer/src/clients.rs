//! The trainer's clients: identity's roster (memberships with role `member`) with what the
//! trainer keeps about each (tags, goals, private notes, emergency contact, health notes), their
//! last and next session and the credits they have left.
//!
//! A page costs a fixed number of queries whatever its size: the page of memberships with
//! their accounts, then profiles, tags, last sessions, next sessions and balances for that page.
//! Private notes never leave through the client's own view; emergency contact and health notes
//! only reach staff and the client themself. The roster owns status changes (pause, archive).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use palestra_core::entities::{account, membership};
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::pagination::{Cursor, Page};
use palestra_core::scope::scoped;
use palestra_core::types::{contains_pattern, search_term};
use palestra_core::{ApiError, FieldError, Validate};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::credits;
use crate::entities::{appointment, client_profile, client_tag};
use crate::error::TrainerError;

/// At most this many tags per client.
pub const MAX_TAGS: usize = 20;

/// Filters of the client list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientsQuery {
    /// Search in name and email.
    pub q: Option<String>,
    /// `invited` (pending invitations), `active`, `paused` or `archived` (default: the last
    /// three, the clients who joined).
    pub status: Option<String>,
    /// Only clients with this tag.
    pub tag: Option<String>,
    /// Items per page, 1 to 100 (default 50).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Emergency contact of a client.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EmergencyContact {
    pub name: Option<String>,
    pub phone: Option<String>,
}

/// A client as the trainer's list shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientView {
    /// The client's account; absent for an invitation not accepted yet.
    pub id: Option<Uuid>,
    /// The pending invitation, for status `invited`.
    pub invitation_id: Option<Uuid>,
    /// Empty for an invitation not accepted yet.
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    /// `active`, `paused` or `archived`.
    pub status: String,
    pub tags: Vec<String>,
    pub goals: Option<String>,
    /// The trainer's private notes: never shown to the client.
    pub private_notes: Option<String>,
    /// Sensitive: staff and the client only.
    pub emergency_contact: EmergencyContact,
    /// Sensitive: staff and the client only.
    pub health_notes: Option<String>,
    /// The start of the last session that took place or was due.
    pub last_session_at: Option<DateTime<Utc>>,
    /// The start of the next booked session.
    pub next_session_at: Option<DateTime<Utc>>,
    /// Session credits left.
    pub credits_left: i64,
    /// When they joined the workspace (for an invitation: when it was sent).
    pub joined_at: DateTime<Utc>,
}

/// What a client sees of their own profile: everything but the trainer's private notes.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyClientProfileView {
    pub id: Uuid,
    pub full_name: String,
    pub status: String,
    pub tags: Vec<String>,
    pub goals: Option<String>,
    pub emergency_contact: EmergencyContact,
    pub health_notes: Option<String>,
    pub last_session_at: Option<DateTime<Utc>>,
    pub next_session_at: Option<DateTime<Utc>>,
    pub credits_left: i64,
}

impl From<ClientView> for MyClientProfileView {
    fn from(v: ClientView) -> Self {
        Self {
            id: v.id.unwrap_or_default(),
            full_name: v.full_name,
            status: v.status,
            tags: v.tags,
            goals: v.goals,
            emergency_contact: v.emergency_contact,
            health_notes: v.health_notes,
            last_session_at: v.last_session_at,
            next_session_at: v.next_session_at,
            credits_left: v.credits_left,
        }
    }
}

const CLIENT_STATUSES: [&str; 3] = [
    membership::STATUS_ACTIVE,
    membership::STATUS_PAUSED,
    membership::STATUS_ARCHIVED,
];

fn clients_of(tenant: TenantId) -> sea_orm::SelectTwo<membership::Entity, account::Entity> {
    scoped::<membership::Entity>(tenant)
        .find_also_related(account::Entity)
        .filter(membership::Column::Role.eq("member"))
}

/// One page of clients, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    query: &ClientsQuery,
) -> Result<Page<ClientView>, ApiError> {
    let page = palestra_core::pagination::PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit()?;
    if query.status.as_deref() == Some(STATUS_INVITED) {
        return invited(db, tenant, query, &page, limit).await;
    }
    let mut select = clients_of(tenant);
    match query.status.as_deref() {
        None => select = select.filter(membership::Column::Status.is_in(CLIENT_STATUSES)),
        Some(s) if CLIENT_STATUSES.contains(&s) => {
            select = select.filter(membership::Column::Status.eq(s));
        }
        Some(_) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "status",
                "invalid",
                "one of invited, active, paused, archived",
            )]));
        }
    }
    if let Some(term) = search_term(query.q.as_deref()) {
        let pattern = contains_pattern(term);
        select = select.filter(
            Condition::any()
                .add(
                    Expr::expr(Func::lower(Expr::col((
                        account::Entity,
                        account::Column::FullName,
                    ))))
                    .like(pattern.clone()),
                )
                .add(Expr::col((account::Entity, account::Column::EmailNormalized)).like(pattern)),
        );
    }
    if let Some(tag) = query
        .tag
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = select.filter(
            membership::Column::AccountId.in_subquery(
                Query::select()
                    .column(client_tag::Column::AccountId)
                    .from(client_tag::Entity)
                    .and_where(client_tag::Column::TenantId.eq(tenant.uuid()))
                    .and_where(client_tag::Column::Tag.eq(tag.to_lowercase()))
                    .to_owned(),
            ),
        );
    }
    if let Some(cursor) = page.cursor()? {
        select = select.filter(membership::Column::Id.lt(cursor.id));
    }
    let rows = select
        .order_by_desc(membership::Column::Id)
        .limit(limit + 1)
        .all(db)
        .await?;
    let has_more = rows.len() as u64 > limit;
    let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
    let last_id = rows.last().map(|(m, _)| m.id);
    let views = views(db, tenant, rows).await?;
    Ok(Page {
        items: views,
        next_cursor: if has_more {
            last_id.map(|id| {
                Cursor {
                    key: String::new(),
                    id,
                }
                .encode()
            })
        } else {
            None
        },
    })
}

/// Listed status of a pending invitation to join as a client.
pub const STATUS_INVITED: &str = "invited";

/// Pending, unexpired invitations to join as a client, newest first. The invitations table is
/// identity's; this reads it (no module depends on another crate) through plain column names.
async fn invited(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    query: &ClientsQuery,
    page: &palestra_core::pagination::PageQuery,
    limit: u64,
) -> Result<Page<ClientView>, ApiError> {
    use sea_orm::sea_query::Alias;
    use sea_orm::{FromQueryResult, StatementBuilder};
    #[derive(FromQueryResult)]
    struct Row {
        id: Uuid,
        email: String,
        created_at: DateTime<Utc>,
    }
    let col = |name: &str| Expr::col((Alias::new("invitations"), Alias::new(name)));
    let mut select = Query::select();
    select
        .columns([
            (Alias::new("invitations"), Alias::new("id")),
            (Alias::new("invitations"), Alias::new("email")),
            (Alias::new("invitations"), Alias::new("created_at")),
        ])
        .from(Alias::new("invitations"))
        .and_where(col("tenant_id").eq(tenant.uuid()))
        .and_where(col("role").eq("member"))
        .and_where(col("status").eq("pending"))
        .and_where(col("expires_at").gt(Utc::now()));
    if let Some(term) = search_term(query.q.as_deref()) {
        select.and_where(col("email_normalized").like(contains_pattern(term)));
    }
    if query.tag.is_some() {
        // Invitations carry no tags yet.
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    if let Some(cursor) = page.cursor()? {
        select.and_where(col("id").lt(cursor.id));
    }
    select
        .order_by(
            (Alias::new("invitations"), Alias::new("id")),
            sea_orm::Order::Desc,
        )
        .limit(limit + 1);
    let statement = StatementBuilder::build(&select, &db.get_database_backend());
    let rows = Row::find_by_statement(statement).all(db).await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |r| Cursor {
            key: String::new(),
            id: r.id,
        },
        |r| ClientView {
            id: None,
            invitation_id: Some(r.id),
            full_name: String::new(),
            email: r.email,
            phone: None,
            status: STATUS_INVITED.to_owned(),
            tags: Vec::new(),
            goals: None,
            private_notes: None,
            emergency_contact: EmergencyContact {
                name: None,
                phone: None,
            },
            health_notes: None,
            last_session_at: None,
            next_session_at: None,
            credits_left: 0,
            joined_at: r.created_at,
        },
    ))
}

/// The views of a page of memberships: five more queries, whatever the page size.
async fn views(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    rows: Vec<(membership::Model, Option<account::Model>)>,
) -> Result<Vec<ClientView>, DbErr> {
    let ids: Vec<Uuid> = rows.iter().map(|(m, _)| m.account_id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let profiles: HashMap<Uuid, client_profile::Model> = scoped::<client_profile::Entity>(tenant)
        .filter(client_profile::Column::AccountId.is_in(ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.account_id, p))
        .collect();
    let mut tags: HashMap<Uuid, Vec<String>> = HashMap::new();
    for t in scoped::<client_tag::Entity>(tenant)
        .filter(client_tag::Column::AccountId.is_in(ids.clone()))
        .order_by_asc(client_tag::Column::Tag)
        .all(db)
        .await?
    {
        tags.entry(t.account_id).or_default().push(t.tag);
    }
    let now = Utc::now();
    let last: HashMap<Uuid, DateTime<Utc>> = scoped::<appointment::Entity>(tenant)
        .select_only()
        .column(appointment::Column::ClientId)
        .column_as(appointment::Column::StartsAt.max(), "last")
        .filter(appointment::Column::ClientId.is_in(ids.clone()))
        .filter(appointment::Column::StartsAt.lt(now))
        .filter(appointment::Column::Status.is_in(appointment::BLOCKING_STATUSES))
        .group_by(appointment::Column::ClientId)
        .into_tuple::<(Uuid, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let next: HashMap<Uuid, DateTime<Utc>> = scoped::<appointment::Entity>(tenant)
        .select_only()
        .column(appointment::Column::ClientId)
        .column_as(appointment::Column::StartsAt.min(), "next")
        .filter(appointment::Column::ClientId.is_in(ids.clone()))
        .filter(appointment::Column::StartsAt.gte(now))
        .filter(appointment::Column::Status.eq(appointment::STATUS_BOOKED))
        .group_by(appointment::Column::ClientId)
        .into_tuple::<(Uuid, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let accounts: Vec<AccountId> = ids.iter().copied().map(AccountId).collect();
    let balances = credits::balances(db, tenant, &accounts).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, a)| {
            let a = a?;
            let p = profiles.get(&a.id);
            Some(ClientView {
                id: Some(a.id),
                invitation_id: None,
                full_name: a.full_name,
                email: a.email,
                phone: a.phone,
                status: m.status,
                tags: tags.remove(&a.id).unwrap_or_default(),
                goals: p.and_then(|p| p.goals.clone()),
                private_notes: p.and_then(|p| p.private_notes.clone()),
                emergency_contact: EmergencyContact {
                    name: p.and_then(|p| p.emergency_contact_name.clone()),
                    phone: p.and_then(|p| p.emergency_contact_phone.clone()),
                },
                health_notes: p.and_then(|p| p.health_notes.clone()),
                last_session_at: last.get(&a.id).copied(),
                next_session_at: next.get(&a.id).copied(),
                credits_left: balances.get(&AccountId(a.id)).copied().unwrap_or(0),
                joined_at: m.created_at,
            })
        })
        .collect())
}

/// One client of the workspace (not removed).
pub async fn find(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: Uuid,
) -> Result<ClientView, ApiError> {
    let row = clients_of(tenant)
        .filter(membership::Column::AccountId.eq(id))
        .filter(membership::Column::Status.is_in(CLIENT_STATUSES))
        .one(db)
        .await?
        .ok_or(TrainerError::ClientNotFound)?;
    views(db, tenant, vec![row])
        .await?
        .pop()
        .ok_or_else(|| TrainerError::ClientNotFound.into())
}

/// A change of what the trainer keeps about a client. Absent fields stay; an empty string
/// clears a text.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientUpdateRequest {
    /// Replaces the tags (each 1 to 40 characters, stored lower-case; at most 20).
    pub tags: Option<Vec<String>>,
    pub goals: Option<String>,
    /// Never shown to the client.
    pub private_notes: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub health_notes: Option<String>,
}

impl Validate for ClientUpdateRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Some(tags) = &self.tags {
            if tags.len() > MAX_TAGS {
                errors.push(FieldError::new("tags", "too_many", "at most 20 tags"));
            }
            for (i, tag) in tags.iter().enumerate() {
                let n = tag.trim().chars().count();
                if !(1..=40).contains(&n) {
                    errors.push(FieldError::new(
                        format!("tags[{i}]"),
                        "length",
                        "1 to 40 characters",
                    ));
                }
            }
        }
        for (field, value, max) in [
            ("goals", &self.goals, 4000),
            ("private_notes", &self.private_notes, 8000),
            ("emergency_contact_name", &self.emergency_contact_name, 120),
            ("emergency_contact_phone", &self.emergency_contact_phone, 40),
            ("health_notes", &self.health_notes, 8000),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > max) {
                errors.push(FieldError::new(
                    field,
                    "too_long",
                    format!("at most {max} characters"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// What a client may change of their own profile. Absent fields stay; an empty string clears.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyClientProfileRequest {
    pub goals: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub health_notes: Option<String>,
}

impl From<MyClientProfileRequest> for ClientUpdateRequest {
    fn from(r: MyClientProfileRequest) -> Self {
        Self {
            tags: None,
            goals: r.goals,
            private_notes: None,
            emergency_contact_name: r.emergency_contact_name,
            emergency_contact_phone: r.emergency_contact_phone,
            health_notes: r.health_notes,
        }
    }
}

impl Validate for MyClientProfileRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        ClientUpdateRequest {
            tags: None,
            goals: self.goals.clone(),
            private_notes: None,
            emergency_contact_name: self.emergency_contact_name.clone(),
            emergency_contact_phone: self.emergency_contact_phone.clone(),
            health_notes: self.health_notes.clone(),
        }
        .validate()
    }
}

fn text(value: Option<String>, old: Option<String>) -> Option<String> {
    match value {
        None => old,
        Some(v) if v.trim().is_empty() => None,
        Some(v) => Some(v.trim().to_owned()),
    }
}

/// Applies a change in one transaction (profile upsert, tags replaced).
pub async fn update(
    db: &sea_orm::DatabaseConnection,
    tenant: TenantId,
    id: Uuid,
    request: ClientUpdateRequest,
) -> Result<ClientView, ApiError> {
    find(db, tenant, id).await?;
    let txn = db.begin().await?;
    let old = scoped::<client_profile::Entity>(tenant)
        .filter(client_profile::Column::AccountId.eq(id))
        .one(&txn)
        .await?;
    let o = old.clone();
    let profile = client_profile::ActiveModel {
        tenant_id: Set(tenant.uuid()),
        account_id: Set(id),
        goals: Set(text(
            request.goals,
            o.as_ref().and_then(|o| o.goals.clone()),
        )),
        private_notes: Set(text(
            request.private_notes,
            o.as_ref().and_then(|o| o.private_notes.clone()),
        )),
        emergency_contact_name: Set(text(
            request.emergency_contact_name,
            o.as_ref().and_then(|o| o.emergency_contact_name.clone()),
        )),
        emergency_contact_phone: Set(text(
            request.emergency_contact_phone,
            o.as_ref().and_then(|o| o.emergency_contact_phone.clone()),
        )),
        health_notes: Set(text(
            request.health_notes,
            o.as_ref().and_then(|o| o.health_notes.clone()),
        )),
        updated_at: Set(Utc::now()),
    };
    client_profile::Entity::insert(profile)
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                client_profile::Column::TenantId,
                client_profile::Column::AccountId,
            ])
            .update_columns([
                client_profile::Column::Goals,
                client_profile::Column::PrivateNotes,
                client_profile::Column::EmergencyContactName,
                client_profile::Column::EmergencyContactPhone,
                client_profile::Column::HealthNotes,
                client_profile::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
    if let Some(tags) = request.tags {
        client_tag::Entity::delete_many()
            .filter(client_tag::Column::TenantId.eq(tenant.uuid()))
            .filter(client_tag::Column::AccountId.eq(id))
            .exec(&txn)
            .await?;
        let mut tags: Vec<String> = tags.iter().map(|t| t.trim().to_lowercase()).collect();
        tags.sort();
        tags.dedup();
        if !tags.is_empty() {
            client_tag::Entity::insert_many(tags.into_iter().map(|tag| client_tag::ActiveModel {
                tenant_id: Set(tenant.uuid()),
                account_id: Set(id),
                tag: Set(tag),
            }))
            .exec_without_returning(&txn)
            .await?;
        }
    }
    txn.commit().await?;
    find(db, tenant, id).await
}

/// Erases what the trainer kept about an account that is being deleted, in every workspace:
/// profile (health notes, emergency contact) and tags; its booked appointments to come are
/// cancelled so the trainer's time is free again. Past appointments stay as the business
/// record, keyed by the account id identity keeps.
pub async fn forget_account(
    txn: &sea_orm::DatabaseTransaction,
    account: AccountId,
) -> Result<(), DbErr> {
    client_profile::Entity::delete_many()
        .filter(client_profile::Column::AccountId.eq(account.uuid()))
        .exec(txn)
        .await?;
    client_tag::Entity::delete_many()
        .filter(client_tag::Column::AccountId.eq(account.uuid()))
        .exec(txn)
        .await?;
    let now = Utc::now();
    appointment::Entity::update_many()
        .col_expr(
            appointment::Column::Status,
            Expr::value(appointment::STATUS_CANCELLED),
        )
        .col_expr(appointment::Column::CancelledAt, Expr::value(now))
        .col_expr(
            appointment::Column::CancelReason,
            Expr::value("The client's account was deleted."),
        )
        .col_expr(appointment::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            appointment::Column::Sequence,
            Expr::col(appointment::Column::Sequence).add(1),
        )
        .filter(appointment::Column::ClientId.eq(account.uuid()))
        .filter(appointment::Column::Status.eq(appointment::STATUS_BOOKED))
        .filter(appointment::Column::StartsAt.gt(now))
        .exec(txn)
        .await
        .map(|_| ())
}
