//! The roster: who belongs to a tenant and with which role, and the ways in and out
//! (adding, inviting, joining with a code, leaving, removal, ownership transfer).
//!
//! Rules: exactly one owner (also a partial unique index); nobody changes their own role; an
//! admin cannot remove or demote another admin or the owner; only the owner grants the admin
//! role; the owner leaves only after handing ownership over. Every change that two requests
//! could race on is a conditional update that matches the state it was decided on.

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use palestra_core::audit::{self, AuditEvent};
use palestra_core::entities::{account, audit_event, membership, tenant};
use palestra_core::ids::{AccountId, MembershipId, TenantId};
use palestra_core::outbox::{self, Channel, Localized, NewMessage, render};
use palestra_core::pagination::{Cursor, Page, PageQuery};
use palestra_core::scope::scoped;
use palestra_core::types::{contains_pattern, search_term};
use palestra_core::{ApiError, AppContext, AuthUser, Role, Tenant};

use crate::entities::invitation;
use crate::repo;
use crate::roster_views::{
    AuditEventView, InvitationView, JoinedView, MemberQuery, MemberView, UpdateMemberRequest,
};
use crate::service::hash_refresh_token as hash_token;

/// How long an invitation can be accepted.
const INVITATION_TTL_DAYS: i64 = 7;

fn member_not_found() -> ApiError {
    ApiError::not_found("roster.member_not_found", "No such person in this tenant.")
}

fn audit_event(
    tenant: &Tenant,
    action: &'static str,
    subject: Option<AccountId>,
    details: serde_json::Value,
) -> AuditEvent {
    AuditEvent {
        tenant: tenant.id,
        actor: Some(tenant.account_id),
        action,
        subject,
        details,
        ip: None,
    }
}

/// Whether a membership takes one of the tenant's client places (`max_clients`).
fn takes_a_place(role: &str, status: &str) -> bool {
    role == Role::Member.as_str() && membership::STATUSES_WITH_ACCESS.contains(&status)
}

/// Takes a client place, if the tenant has one left. The conditional update is the guard: two
/// requests cannot both take the last place.
async fn take_place(db: &impl ConnectionTrait, tenant: TenantId) -> Result<(), ApiError> {
    let result = tenant::Entity::update_many()
        .col_expr(
            tenant::Column::ClientCount,
            Expr::col(tenant::Column::ClientCount).add(1),
        )
        .filter(tenant::Column::Id.eq(tenant.uuid()))
        .filter(
            Condition::any()
                .add(tenant::Column::MaxClients.is_null())
                .add(
                    Expr::col(tenant::Column::ClientCount)
                        .lt(Expr::col(tenant::Column::MaxClients)),
                ),
        )
        .exec(db)
        .await?;
    if result.rows_affected == 1 {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "roster.client_limit_reached",
            "This workspace has reached its maximum number of clients.",
        ))
    }
}

/// Gives a client place back.
pub(crate) async fn free_place(db: &impl ConnectionTrait, tenant: TenantId) -> Result<(), DbErr> {
    tenant::Entity::update_many()
        .col_expr(
            tenant::Column::ClientCount,
            Expr::col(tenant::Column::ClientCount).sub(1),
        )
        .filter(tenant::Column::Id.eq(tenant.uuid()))
        .filter(tenant::Column::ClientCount.gt(0))
        .exec(db)
        .await
        .map(|_| ())
}

/// Moves a membership from the role and status it was read with to new ones: one conditional
/// update, so a change made meanwhile by someone else is a 409 instead of being overwritten; and
/// the client places follow (taking one may fail with `roster.client_limit_reached`).
async fn move_membership(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    target: &membership::Model,
    role: &str,
    status: &str,
) -> Result<(), ApiError> {
    let updated = membership::Entity::update_many()
        .col_expr(membership::Column::Role, Expr::value(role))
        .col_expr(membership::Column::Status, Expr::value(status))
        .filter(membership::Column::Id.eq(target.id))
        .filter(membership::Column::Role.eq(target.role.as_str()))
        .filter(membership::Column::Status.eq(target.status.as_str()))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(ApiError::conflict(
            "roster.changed_concurrently",
            "This membership changed meanwhile; reload and try again.",
        ));
    }
    // A trainer who stops being one (another role, archived, removed) keeps no members.
    if target.role == Role::Trainer.as_str()
        && (role != Role::Trainer.as_str() || !membership::STATUSES_WITH_ACCESS.contains(&status))
    {
        unassign_trainer(txn, tenant, AccountId(target.account_id)).await?;
    }
    let had_place = takes_a_place(&target.role, &target.status);
    let needs_place = takes_a_place(role, status);
    if needs_place && !had_place {
        take_place(txn, tenant).await?;
    } else if had_place && !needs_place {
        free_place(txn, tenant).await?;
    }
    Ok(())
}

/// Leaves the members assigned to a trainer without one (the trainer left the role or the
/// tenant, or deleted their account).
pub(crate) async fn unassign_trainer(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    trainer: AccountId,
) -> Result<(), DbErr> {
    membership::Entity::update_many()
        .col_expr(
            membership::Column::AssignedTrainerId,
            Expr::value(Option::<uuid::Uuid>::None),
        )
        .filter(membership::Column::TenantId.eq(tenant.uuid()))
        .filter(membership::Column::AssignedTrainerId.eq(trainer.uuid()))
        .exec(db)
        .await
        .map(|_| ())
}

/// Checks that the acting manager may give `role` to someone.
fn check_grant(actor: &Tenant, role: Role) -> Result<(), ApiError> {
    match role {
        Role::Owner => Err(ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "roster.invalid_role",
            "Invalid role",
        )
        .with_detail("Ownership is handed over with POST /api/v1/ownership/transfer.")),
        Role::Admin if actor.role != Role::Owner => Err(ApiError::forbidden(
            "roster.admin_only_by_owner",
            "Only the owner can make someone an admin.",
        )),
        _ => Ok(()),
    }
}

/// Checks that the actor may change or remove `target`.
fn check_target(actor: &Tenant, target: &membership::Model) -> Result<Role, ApiError> {
    let role = Role::parse(&target.role).unwrap_or(Role::Member);
    if role == Role::Owner {
        return Err(ApiError::forbidden(
            "roster.owner_protected",
            "The owner cannot be changed or removed; ownership can only be handed over by the owner.",
        ));
    }
    if role == Role::Admin && actor.role == Role::Admin {
        return Err(ApiError::forbidden(
            "roster.admin_protected",
            "An admin cannot change or remove another admin.",
        ));
    }
    Ok(role)
}

async fn find_member(
    db: &impl ConnectionTrait,
    tenant: TenantId,
    id: MembershipId,
) -> Result<membership::Model, ApiError> {
    scoped::<membership::Entity>(tenant)
        .filter(membership::Column::Id.eq(id.uuid()))
        .one(db)
        .await?
        .ok_or_else(member_not_found)
}

/// Gives an account a membership (new, or reactivating a removed or archived one) in a
/// transaction, taking a client place when the role needs one.
async fn admit(
    txn: &impl ConnectionTrait,
    tenant: TenantId,
    account: AccountId,
    role: Role,
) -> Result<membership::Model, ApiError> {
    let existing = scoped::<membership::Entity>(tenant)
        .filter(membership::Column::AccountId.eq(account.uuid()))
        .one(txn)
        .await?;
    if let Some(existing) = &existing
        && membership::STATUSES_WITH_ACCESS.contains(&existing.status.as_str())
    {
        return Err(ApiError::conflict(
            "roster.already_member",
            "This person already belongs here.",
        ));
    }
    if takes_a_place(role.as_str(), membership::STATUS_ACTIVE) {
        take_place(txn, tenant).await?;
    }
    let row = match existing {
        Some(existing) => {
            let updated = membership::Entity::update_many()
                .col_expr(membership::Column::Role, Expr::value(role.as_str()))
                .col_expr(
                    membership::Column::Status,
                    Expr::value(membership::STATUS_ACTIVE),
                )
                .filter(membership::Column::Id.eq(existing.id))
                .filter(membership::Column::Status.eq(existing.status.as_str()))
                .exec(txn)
                .await?;
            if updated.rows_affected != 1 {
                return Err(ApiError::conflict(
                    "roster.already_member",
                    "This person already belongs here.",
                ));
            }
            membership::Model {
                role: role.as_str().to_owned(),
                status: membership::STATUS_ACTIVE.to_owned(),
                ..existing
            }
        }
        None => {
            let row = membership::ActiveModel {
                id: Set(MembershipId::new().uuid()),
                tenant_id: Set(tenant.uuid()),
                account_id: Set(account.uuid()),
                role: Set(role.as_str().to_owned()),
                status: Set(membership::STATUS_ACTIVE.to_owned()),
                created_at: Set(Utc::now()),
                assigned_trainer_id: Set(None),
            };
            membership::Entity::insert(row)
                .exec_with_returning(txn)
                .await
                .map_err(|e| {
                    if repo::is_unique_violation(&e) {
                        ApiError::conflict(
                            "roster.already_member",
                            "This person already belongs here.",
                        )
                    } else {
                        e.into()
                    }
                })?
        }
    };
    Ok(row)
}

/// One page of the roster, by name.
pub async fn list_members(
    ctx: &AppContext,
    tenant: TenantId,
    query: &MemberQuery,
) -> Result<Page<MemberView>, ApiError> {
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    };
    let limit = page.limit()?;
    let mut select = scoped::<membership::Entity>(tenant).find_also_related(account::Entity);
    select = match query.status {
        Some(status) => select.filter(membership::Column::Status.eq(status.as_str())),
        None => select.filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS)),
    };
    if let Some(role) = query.role {
        select = select.filter(membership::Column::Role.eq(role.as_str()));
    }
    if let Some(term) = search_term(query.q.as_deref()) {
        let pattern = contains_pattern(term);
        select = select.filter(
            Condition::any()
                .add(account::Column::EmailNormalized.like(pattern.clone()))
                .add(
                    Expr::expr(Func::lower(Expr::col((
                        account::Entity,
                        account::Column::FullName,
                    ))))
                    .like(pattern),
                ),
        );
    }
    if let Some(cursor) = page.cursor()? {
        select = select.filter(
            Condition::any()
                .add(account::Column::FullName.gt(cursor.key.as_str()))
                .add(
                    Condition::all()
                        .add(account::Column::FullName.eq(cursor.key.as_str()))
                        .add(membership::Column::Id.gt(cursor.id)),
                ),
        );
    }
    let rows = select
        .order_by_asc(account::Column::FullName)
        .order_by_asc(membership::Column::Id)
        .limit(limit + 1)
        .all(&ctx.db)
        .await?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter_map(|(m, a)| a.map(|a| (m, a)))
        .collect();
    Ok(Page::from_rows(
        rows,
        limit,
        |(m, a)| Cursor {
            key: a.full_name.clone(),
            id: m.id,
        },
        |(m, a)| MemberView::new(m, a),
    ))
}

/// Adds someone who already has an account.
#[tracing::instrument(skip_all, fields(tenant = %actor.id))]
pub async fn add_member(
    ctx: &AppContext,
    actor: &Tenant,
    email: &str,
    role: Role,
) -> Result<MemberView, ApiError> {
    check_grant(actor, role)?;
    let account = repo::find_account_by_email(&ctx.db, &email.trim().to_lowercase())
        .await?
        .filter(|a| a.deleted_at.is_none())
        .ok_or_else(|| {
            ApiError::not_found(
                "roster.account_not_found",
                "Nobody has an account with this email; send an invitation instead.",
            )
        })?;
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    let membership = admit(&txn, actor.id, AccountId(account.id), role).await?;
    audit::record(
        &txn,
        audit_event(
            actor,
            "roster.member_added",
            Some(AccountId(account.id)),
            json!({ "role": role.as_str() }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(MemberView::new(membership, account))
}

/// Changes a person's role or status (pause or archive a client, reinstate them).
#[tracing::instrument(skip_all, fields(tenant = %actor.id, member = %id))]
pub async fn update_member(
    ctx: &AppContext,
    actor: &Tenant,
    id: MembershipId,
    request: UpdateMemberRequest,
) -> Result<MemberView, ApiError> {
    let target = find_member(&ctx.db, actor.id, id).await?;
    if target.account_id == actor.account_id.uuid() {
        return Err(ApiError::conflict(
            "roster.own_membership",
            "Nobody changes their own role or status.",
        ));
    }
    check_target(actor, &target)?;
    if target.status == membership::STATUS_REMOVED {
        return Err(member_not_found());
    }
    let new_role = request
        .role
        .unwrap_or(Role::parse(&target.role).unwrap_or(Role::Member));
    if request.role.is_some() {
        check_grant(actor, new_role)?;
    }
    let new_status = request
        .status
        .map_or_else(|| target.status.clone(), |s| s.as_str().to_owned());
    let new_status = new_status.as_str();

    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    move_membership(&txn, actor.id, &target, new_role.as_str(), new_status).await?;
    audit::record(
        &txn,
        audit_event(
            actor,
            if request.role.is_some() { "roster.role_changed" } else { "roster.status_changed" },
            Some(AccountId(target.account_id)),
            json!({ "from": { "role": target.role, "status": target.status }, "to": { "role": new_role.as_str(), "status": new_status } }),
        ),
    )
    .await?;
    txn.commit().await?;
    let account = repo::find_account(&ctx.db, AccountId(target.account_id))
        .await?
        .ok_or_else(member_not_found)?;
    Ok(MemberView::new(
        membership::Model {
            role: new_role.as_str().to_owned(),
            status: new_status.to_owned(),
            ..target
        },
        account,
    ))
}

async fn end_membership(
    ctx: &AppContext,
    actor: &Tenant,
    target: membership::Model,
    action: &'static str,
) -> Result<(), ApiError> {
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    move_membership(
        &txn,
        actor.id,
        &target,
        &target.role,
        membership::STATUS_REMOVED,
    )
    .await?;
    audit::record(
        &txn,
        audit_event(
            actor,
            action,
            Some(AccountId(target.account_id)),
            json!({ "role": target.role }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Assigns a member to a trainer (who then sees the member's progress), or clears it.
///
/// One conditional update: the member must still be a member with access, and the trainer a
/// trainer with access, when it runs; otherwise nothing changes.
#[tracing::instrument(skip_all, fields(tenant = %actor.id, member = %id))]
pub async fn assign_trainer(
    ctx: &AppContext,
    actor: &Tenant,
    id: MembershipId,
    trainer: Option<AccountId>,
) -> Result<MemberView, ApiError> {
    let target = find_member(&ctx.db, actor.id, id).await?;
    if !membership::STATUSES_WITH_ACCESS.contains(&target.status.as_str()) {
        return Err(member_not_found());
    }
    if target.role != Role::Member.as_str() {
        return Err(ApiError::conflict(
            "roster.not_a_member",
            "Only members are assigned to a trainer.",
        ));
    }
    let not_a_trainer = || {
        ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "roster.not_a_trainer",
            "Not a trainer",
        )
        .with_detail("`trainer_id` must be the account id of a trainer of this tenant.")
    };
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    let mut update = membership::Entity::update_many()
        .col_expr(
            membership::Column::AssignedTrainerId,
            Expr::value(trainer.map(AccountId::uuid)),
        )
        .filter(membership::Column::Id.eq(target.id))
        .filter(membership::Column::Role.eq(Role::Member.as_str()))
        .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS));
    if let Some(trainer) = trainer {
        let mut is_trainer = sea_orm::sea_query::Query::select();
        is_trainer
            .expr(Expr::val(1))
            .from_as(membership::Entity, sea_orm::sea_query::Alias::new("t"))
            .and_where(Expr::col(("t", membership::Column::TenantId)).eq(actor.id.uuid()))
            .and_where(Expr::col(("t", membership::Column::AccountId)).eq(trainer.uuid()))
            .and_where(Expr::col(("t", membership::Column::Role)).eq(Role::Trainer.as_str()))
            .and_where(
                Expr::col(("t", membership::Column::Status))
                    .is_in(membership::STATUSES_WITH_ACCESS),
            );
        update = update.filter(Expr::exists(is_trainer));
    }
    let updated = update.exec(&txn).await?;
    if updated.rows_affected != 1 {
        return Err(if trainer.is_some() {
            not_a_trainer()
        } else {
            member_not_found()
        });
    }
    audit::record(
        &txn,
        audit_event(
            actor,
            "roster.trainer_assigned",
            Some(AccountId(target.account_id)),
            json!({ "from": target.assigned_trainer_id, "to": trainer }),
        ),
    )
    .await?;
    txn.commit().await?;
    let account = repo::find_account(&ctx.db, AccountId(target.account_id))
        .await?
        .ok_or_else(member_not_found)?;
    Ok(MemberView::new(
        membership::Model {
            assigned_trainer_id: trainer.map(AccountId::uuid),
            ..target
        },
        account,
    ))
}

/// Removes someone from the tenant; their history stays.
#[tracing::instrument(skip_all, fields(tenant = %actor.id, member = %id))]
pub async fn remove_member(
    ctx: &AppContext,
    actor: &Tenant,
    id: MembershipId,
) -> Result<(), ApiError> {
    let target = find_member(&ctx.db, actor.id, id).await?;
    if target.account_id == actor.account_id.uuid() {
        return Err(ApiError::conflict(
            "roster.own_membership",
            "To leave, use POST /api/v1/membership/leave.",
        ));
    }
    check_target(actor, &target)?;
    if target.status == membership::STATUS_REMOVED {
        return Err(member_not_found());
    }
    end_membership(ctx, actor, target, "roster.member_removed").await
}

/// The caller leaves the tenant. The owner must hand ownership over first.
#[tracing::instrument(skip_all, fields(tenant = %actor.id))]
pub async fn leave(ctx: &AppContext, actor: &Tenant) -> Result<(), ApiError> {
    if actor.role == Role::Owner {
        return Err(ApiError::conflict(
            "roster.owner_cannot_leave",
            "The owner cannot leave; hand ownership to someone else first.",
        ));
    }
    let me = find_member(&ctx.db, actor.id, actor.membership_id).await?;
    end_membership(ctx, actor, me, "roster.member_left").await
}

/// Hands ownership to another person with access; the owner becomes an admin.
#[tracing::instrument(skip_all, fields(tenant = %actor.id))]
pub async fn transfer_ownership(
    ctx: &AppContext,
    actor: &Tenant,
    to: MembershipId,
) -> Result<MemberView, ApiError> {
    if to == actor.membership_id {
        return Err(ApiError::conflict(
            "roster.own_membership",
            "You already own this tenant.",
        ));
    }
    let target = find_member(&ctx.db, actor.id, to).await?;
    if !membership::STATUSES_WITH_ACCESS.contains(&target.status.as_str()) {
        return Err(member_not_found());
    }
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    let demoted = membership::Entity::update_many()
        .col_expr(membership::Column::Role, Expr::value(Role::Admin.as_str()))
        .filter(membership::Column::Id.eq(actor.membership_id.uuid()))
        .filter(membership::Column::Role.eq(Role::Owner.as_str()))
        .exec(&txn)
        .await?;
    if demoted.rows_affected != 1 {
        return Err(ApiError::conflict(
            "roster.not_owner",
            "You are no longer the owner of this tenant.",
        ));
    }
    move_membership(
        &txn,
        actor.id,
        &target,
        Role::Owner.as_str(),
        membership::STATUS_ACTIVE,
    )
    .await?;
    audit::record(
        &txn,
        audit_event(
            actor,
            "roster.ownership_transferred",
            Some(AccountId(target.account_id)),
            json!({ "from_role": target.role }),
        ),
    )
    .await?;
    txn.commit().await?;
    let account = repo::find_account(&ctx.db, AccountId(target.account_id))
        .await?
        .ok_or_else(member_not_found)?;
    Ok(MemberView::new(
        membership::Model {
            role: Role::Owner.as_str().to_owned(),
            status: membership::STATUS_ACTIVE.to_owned(),
            ..target
        },
        account,
    ))
}

const INVITATION_SUBJECT: Localized = Localized {
    en: "You are invited to join {tenant} on Palestra",
    es: "Te invitan a unirte a {tenant} en Palestra",
};
const INVITATION_BODY: Localized = Localized {
    en: "{inviter} invited you to join {tenant} as {role}.\n\nSign in or create your account with this email, then accept the invitation with this code:\n\n{token}\n\nThe invitation expires on {expires}.",
    es: "{inviter} te invitó a unirte a {tenant} como {role}.\n\nInicia sesión o crea tu cuenta con este correo y acepta la invitación con este código:\n\n{token}\n\nLa invitación vence el {expires}.",
};

/// Invites someone by email: one pending invitation per address (a new one revokes the old),
/// delivered through the outbox.
#[tracing::instrument(skip_all, fields(tenant = %actor.id))]
pub async fn invite(
    ctx: &AppContext,
    actor: &Tenant,
    email: &str,
    role: Role,
) -> Result<InvitationView, ApiError> {
    check_grant(actor, role)?;
    let normalized = email.trim().to_lowercase();
    let existing_account = repo::find_account_by_email(&ctx.db, &normalized).await?;
    if let Some(account) = &existing_account {
        let member = scoped::<membership::Entity>(actor.id)
            .filter(membership::Column::AccountId.eq(account.id))
            .filter(membership::Column::Status.is_in(membership::STATUSES_WITH_ACCESS))
            .one(&ctx.db)
            .await?;
        if member.is_some() {
            return Err(ApiError::conflict(
                "roster.already_member",
                "This person already belongs here.",
            ));
        }
    }
    let inviter = repo::find_account(&ctx.db, actor.account_id).await?;
    let locale = existing_account
        .as_ref()
        .map_or("en", |a| a.locale.as_str())
        .to_owned();
    let bytes: [u8; 24] = rand::random();
    let token = bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let now = Utc::now();
    let expires_at = now + Duration::days(INVITATION_TTL_DAYS);

    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value("revoked"))
        .filter(invitation::Column::TenantId.eq(actor.id.uuid()))
        .filter(invitation::Column::EmailNormalized.eq(normalized.as_str()))
        .filter(invitation::Column::Status.eq("pending"))
        .exec(&txn)
        .await?;
    let row = invitation::Entity::insert(invitation::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        tenant_id: Set(actor.id.uuid()),
        email: Set(email.trim().to_owned()),
        email_normalized: Set(normalized),
        role: Set(role.as_str().to_owned()),
        token_hash: Set(hash_token(&token)),
        invited_by: Set(Some(actor.account_id.uuid())),
        status: Set("pending".to_owned()),
        expires_at: Set(expires_at),
        created_at: Set(now),
        accepted_at: Set(None),
        accepted_by: Set(None),
    })
    .exec_with_returning(&txn)
    .await?;
    let values = [
        ("tenant", actor.model.name.as_str()),
        (
            "inviter",
            inviter.as_ref().map_or("Someone", |a| a.full_name.as_str()),
        ),
        ("role", role.as_str()),
        ("token", token.as_str()),
        ("expires", &expires_at.format("%Y-%m-%d").to_string()),
    ];
    outbox::enqueue(
        &txn,
        NewMessage {
            tenant: Some(actor.id),
            channel: Channel::Email,
            account: existing_account.as_ref().map(|a| AccountId(a.id)),
            recipient: row.email.clone(),
            kind: "identity.invitation",
            subject: render(INVITATION_SUBJECT.pick(&locale), &values),
            body: render(INVITATION_BODY.pick(&locale), &values),
            data: json!({ "invitation_id": row.id, "token": token }),
        },
    )
    .await?;
    audit::record(
        &txn,
        audit_event(
            actor,
            "invitations.sent",
            None,
            json!({ "email": row.email, "role": role.as_str() }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(row.into())
}

/// One page of the tenant's invitations, newest first.
pub async fn list_invitations(
    ctx: &AppContext,
    tenant: TenantId,
    page: &PageQuery,
) -> Result<Page<InvitationView>, ApiError> {
    page.newest_first(
        &ctx.db,
        scoped::<invitation::Entity>(tenant),
        invitation::Column::Id,
        |r| r.id,
        InvitationView::from,
    )
    .await
}

/// Revokes a pending invitation.
pub async fn revoke_invitation(
    ctx: &AppContext,
    actor: &Tenant,
    id: uuid::Uuid,
) -> Result<(), ApiError> {
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    let updated = invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value("revoked"))
        .filter(invitation::Column::TenantId.eq(actor.id.uuid()))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::Status.eq("pending"))
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        let exists = scoped::<invitation::Entity>(actor.id)
            .filter(invitation::Column::Id.eq(id))
            .one(&txn)
            .await?;
        return Err(match exists {
            None => ApiError::not_found("invitations.not_found", "No such invitation."),
            Some(_) => ApiError::conflict(
                "invitations.not_pending",
                "This invitation was already used or revoked.",
            ),
        });
    }
    audit::record(
        &txn,
        audit_event(
            actor,
            "invitations.revoked",
            None,
            json!({ "invitation_id": id }),
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Accepts an invitation as the signed-in account it was sent to. Used once, however many
/// requests race for it.
#[tracing::instrument(skip_all)]
pub async fn accept_invitation(
    ctx: &AppContext,
    user: AuthUser,
    token: &str,
) -> Result<JoinedView, ApiError> {
    let invitation = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(hash_token(token.trim())))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("invitations.not_found", "No invitation has this code.")
        })?;
    let tenant = tenant::Entity::find_by_id(invitation.tenant_id)
        .filter(tenant::Column::Kind.eq(ctx.product.kind.as_str()))
        .one(&ctx.db)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("invitations.not_found", "No invitation has this code.")
        })?;
    if invitation.status != "pending" {
        return Err(ApiError::conflict(
            "invitations.not_pending",
            "This invitation was already used or revoked.",
        ));
    }
    if invitation.expires_at <= Utc::now() {
        return Err(ApiError::conflict(
            "invitations.expired",
            "This invitation has expired; ask for a new one.",
        ));
    }
    if tenant.status == tenant::STATUS_SUSPENDED {
        return Err(ApiError::forbidden(
            "tenancy.suspended",
            "This tenant is suspended; contact support.",
        ));
    }
    let account = repo::find_account(&ctx.db, user.account_id)
        .await?
        .ok_or_else(|| {
            ApiError::unauthorized(
                "identity.account_gone",
                "The account of this token no longer exists.",
            )
        })?;
    if account.email_normalized != invitation.email_normalized {
        return Err(ApiError::forbidden(
            "invitations.wrong_account",
            "This invitation was sent to another email; sign in with that account.",
        ));
    }
    let role = Role::parse(&invitation.role).unwrap_or(Role::Member);
    let tenant_id = TenantId(tenant.id);
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    let claimed = invitation::Entity::update_many()
        .col_expr(invitation::Column::Status, Expr::value("accepted"))
        .col_expr(invitation::Column::AcceptedAt, Expr::value(Utc::now()))
        .col_expr(invitation::Column::AcceptedBy, Expr::value(account.id))
        .filter(invitation::Column::Id.eq(invitation.id))
        .filter(invitation::Column::Status.eq("pending"))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(ApiError::conflict(
            "invitations.not_pending",
            "This invitation was already used or revoked.",
        ));
    }
    let membership = admit(&txn, tenant_id, user.account_id, role).await?;
    audit::record(
        &txn,
        AuditEvent {
            tenant: tenant_id,
            actor: Some(user.account_id),
            action: "invitations.accepted",
            subject: Some(user.account_id),
            details: json!({ "invitation_id": invitation.id, "role": role.as_str() }),
            ip: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(JoinedView {
        tenant_id,
        tenant_name: tenant.name,
        membership_id: MembershipId(membership.id),
        role,
    })
}

/// Ten characters of an alphabet without look-alikes (no I, L, O, U, 0, 1).
fn new_join_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
    let bytes: [u8; 10] = rand::random();
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// The workspace's join code, made on first use.
pub async fn join_code(ctx: &AppContext, actor: &Tenant) -> Result<String, ApiError> {
    if let Some(code) = &actor.model.join_code {
        return Ok(code.clone());
    }
    // Only set it if still unset, so two first reads agree on one code.
    tenant::Entity::update_many()
        .col_expr(tenant::Column::JoinCode, Expr::value(new_join_code()))
        .filter(tenant::Column::Id.eq(actor.id.uuid()))
        .filter(tenant::Column::JoinCode.is_null())
        .exec(&ctx.db)
        .await?;
    let tenant = tenant::Entity::find_by_id(actor.id.uuid())
        .one(&ctx.db)
        .await?;
    tenant
        .and_then(|t| t.join_code)
        .ok_or_else(|| ApiError::internal(std::io::Error::other("join code vanished")))
}

/// Replaces the join code; the old one stops working at once.
pub async fn rotate_join_code(ctx: &AppContext, actor: &Tenant) -> Result<String, ApiError> {
    let code = new_join_code();
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    tenant::Entity::update_many()
        .col_expr(tenant::Column::JoinCode, Expr::value(code.as_str()))
        .filter(tenant::Column::Id.eq(actor.id.uuid()))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        audit_event(actor, "roster.join_code_rotated", None, json!({})),
    )
    .await?;
    txn.commit().await?;
    Ok(code)
}

/// Joins a workspace as a client with its code, within its client limit.
#[tracing::instrument(skip_all)]
pub async fn join(ctx: &AppContext, user: AuthUser, code: &str) -> Result<JoinedView, ApiError> {
    let code = code.trim().to_ascii_uppercase();
    let tenant = tenant::Entity::find()
        .filter(tenant::Column::JoinCode.eq(code.as_str()))
        .filter(tenant::Column::Kind.eq(ctx.product.kind.as_str()))
        .one(&ctx.db)
        .await?
        .filter(|_| !code.is_empty())
        .ok_or_else(|| {
            ApiError::not_found("roster.join_code_invalid", "No workspace has this code.")
        })?;
    if tenant.status == tenant::STATUS_SUSPENDED {
        return Err(ApiError::forbidden(
            "tenancy.suspended",
            "This tenant is suspended; contact support.",
        ));
    }
    let tenant_id = TenantId(tenant.id);
    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    let membership = admit(&txn, tenant_id, user.account_id, Role::Member).await?;
    audit::record(
        &txn,
        AuditEvent {
            tenant: tenant_id,
            actor: Some(user.account_id),
            action: "roster.member_joined",
            subject: Some(user.account_id),
            details: json!({ "via": "join_code" }),
            ip: None,
        },
    )
    .await?;
    txn.commit().await?;
    Ok(JoinedView {
        tenant_id,
        tenant_name: tenant.name,
        membership_id: MembershipId(membership.id),
        role: Role::Member,
    })
}

/// One page of the tenant's audit log, newest first.
pub async fn list_audit(
    ctx: &AppContext,
    tenant: TenantId,
    page: &PageQuery,
) -> Result<Page<AuditEventView>, ApiError> {
    page.newest_first(
        &ctx.db,
        scoped::<audit_event::Entity>(tenant),
        audit_event::Column::Id,
        |r| r.id,
        AuditEventView::from,
    )
    .await
}
