//! Who sees whose progress. One rule, checked by every route with one query:
//!
//! - everyone sees and records their own;
//! - gym-api: a staff member sees the members assigned to them (`memberships.assigned_trainer_id`);
//!   owners and admins do **not** see members' progress by their role alone (it is health data);
//! - trainer-api: the workspace's staff see all its clients (members with access);
//! - anyone else gets 404 `health.person_not_found`, exactly as for a person who does not exist.

use sea_orm::{ColumnTrait, Condition, QueryFilter, QueryOrder, QuerySelect};

use palestra_core::entities::{account, membership};
use palestra_core::ids::AccountId;
use palestra_core::pagination::Cursor;
use palestra_core::permissions::is_granted;
use palestra_core::product::ProductKind;
use palestra_core::scope::scoped;
use palestra_core::{ApiError, AppContext, Role, Tenant};

use crate::error::HealthError;
use crate::permissions::{READ_CLIENTS, WRITE_CLIENTS};

/// Reading or writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Looking at data.
    Read,
    /// Recording, correcting or deleting data.
    Write,
}

/// The people whose progress the caller keeps besides their own, by name: one page, one query.
/// Members (and anyone without `health.clients.read`) keep nobody else's.
pub async fn coached(
    ctx: &AppContext,
    caller: &Tenant,
    cursor: Option<&Cursor>,
    limit: u64,
) -> Result<Vec<(membership::Model, account::Model)>, ApiError> {
    if !is_granted(READ_CLIENTS, caller.role) {
        return Ok(Vec::new());
    }
    let mut query = scoped::<membership::Entity>(caller.id)
        .find_also_related(account::Entity)
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
        .filter(membership::Column::AccountId.ne(caller.account_id.uuid()));
    query = match ctx.product.kind {
        ProductKind::Gym => {
            query.filter(membership::Column::AssignedTrainerId.eq(caller.account_id.uuid()))
        }
        ProductKind::Trainer => query.filter(membership::Column::Role.eq(Role::Member.as_str())),
    };
    if let Some(cursor) = cursor {
        query = query.filter(
            Condition::any()
                .add(account::Column::FullName.gt(cursor.key.as_str()))
                .add(
                    Condition::all()
                        .add(account::Column::FullName.eq(cursor.key.as_str()))
                        .add(membership::Column::Id.gt(cursor.id)),
                ),
        );
    }
    let rows = query
        .order_by_asc(account::Column::FullName)
        .order_by_asc(membership::Column::Id)
        .limit(limit)
        .all(&ctx.db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(m, a)| a.map(|a| (m, a)))
        .collect())
}

/// Resolves the `{person}` of a path (`me` or an account id) to the person whose data the
/// caller may use in `mode`, or 404.
pub async fn person(
    ctx: &AppContext,
    caller: &Tenant,
    person: &str,
    mode: Mode,
) -> Result<AccountId, ApiError> {
    if person == "me" {
        return Ok(caller.account_id);
    }
    let Ok(subject) = person.parse::<AccountId>() else {
        return Err(HealthError::PersonNotFound.into());
    };
    if subject == caller.account_id {
        return Ok(subject);
    }
    let permission = match mode {
        Mode::Read => READ_CLIENTS,
        Mode::Write => WRITE_CLIENTS,
    };
    if !is_granted(permission, caller.role) {
        return Err(HealthError::PersonNotFound.into());
    }
    let mut query = scoped::<membership::Entity>(caller.id)
        .filter(membership::Column::AccountId.eq(subject.uuid()))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS));
    query = match ctx.product.kind {
        ProductKind::Gym => {
            query.filter(membership::Column::AssignedTrainerId.eq(caller.account_id.uuid()))
        }
        ProductKind::Trainer => query.filter(membership::Column::Role.eq(Role::Member.as_str())),
    };
    match query.one(&ctx.db).await? {
        Some(_) => Ok(subject),
        None => Err(HealthError::PersonNotFound.into()),
    }
}
