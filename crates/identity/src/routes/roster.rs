//! The roster, invitations, ownership, leaving, join codes and the audit log.

use actix_web::{HttpResponse, delete, get, patch, post, put, web};

use palestra_core::ids::MembershipId;
use palestra_core::openapi::TenantHeader;
use palestra_core::pagination::{Page, PageQuery};
use palestra_core::{ApiResult, AppContext, AuthUser, Authorized, Created, Json, Problem};

use crate::permissions::{
    LeaveTenant, ManageInvitations, ManageJoinCode, ManageRoster, TransferOwnership, ViewAudit,
    ViewRoster,
};
use crate::roster;
use crate::roster_views::{
    AcceptInvitationRequest, AddMemberRequest, AssignTrainerRequest, AuditEventView,
    CreateInvitationRequest, InvitationView, JoinCodeView, JoinRequest, JoinedView, MemberQuery,
    MemberView, TransferOwnershipRequest, UpdateMemberRequest,
};

/// The people of the tenant, by name; filter by role or status, search by name or email.
#[utoipa::path(tag = "roster", security(("bearer" = ["identity.roster.read"])), params(TenantHeader, MemberQuery),
    responses((status = 200, description = "One page of the roster.", body = Page<MemberView>)))]
#[get("/members")]
pub async fn list_members(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewRoster>,
    query: web::Query<MemberQuery>,
) -> ApiResult<web::Json<Page<MemberView>>> {
    roster::list_members(&ctx, auth.id, &query)
        .await
        .map(web::Json)
}

/// Add someone who already has an account, with a role (not owner; admin only by the owner).
#[utoipa::path(tag = "roster", security(("bearer" = ["identity.roster.manage"])), params(TenantHeader),
    request_body = AddMemberRequest,
    responses(
        (status = 201, description = "Added (or reinstated).", body = MemberView),
        (status = 404, description = "No account has this email (`roster.account_not_found`): invite them.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already a member, or the client limit is reached.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/members")]
pub async fn add_member(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageRoster>,
    body: Json<AddMemberRequest>,
) -> ApiResult<Created<MemberView>> {
    let member = roster::add_member(&ctx, &auth, body.email.as_str(), body.role).await?;
    Ok(Created {
        location: format!("/api/v1/members/{}", member.id),
        body: member,
    })
}

/// Change someone's role, or pause, archive or reinstate them.
///
/// Nobody changes their own membership; the owner is changed only by transferring ownership;
/// an admin cannot change another admin; archived people lose access, their history stays.
#[utoipa::path(tag = "roster", security(("bearer" = ["identity.roster.manage"])),
    params(TenantHeader, ("id" = MembershipId, Path, description = "Membership id.")),
    request_body = UpdateMemberRequest,
    responses(
        (status = 200, description = "The membership as it is now.", body = MemberView),
        (status = 404, description = "No such person here (`roster.member_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Own membership, a concurrent change, or the client limit.", body = Problem, content_type = "application/problem+json"),
    ))]
#[patch("/members/{id}")]
pub async fn update_member(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageRoster>,
    id: web::Path<MembershipId>,
    body: Json<UpdateMemberRequest>,
) -> ApiResult<web::Json<MemberView>> {
    roster::update_member(&ctx, &auth, *id, body.into_inner())
        .await
        .map(web::Json)
}

/// Assign a member to a trainer, who then sees the member's progress; `null` clears it.
#[utoipa::path(tag = "roster", security(("bearer" = ["identity.roster.manage"])),
    params(TenantHeader, ("id" = MembershipId, Path, description = "The member's membership id.")),
    request_body = AssignTrainerRequest,
    responses(
        (status = 200, description = "The member with their trainer.", body = MemberView),
        (status = 404, description = "No such person here (`roster.member_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Only members get a trainer (`roster.not_a_member`).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`trainer_id` is not a trainer here (`roster.not_a_trainer`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[put("/members/{id}/trainer")]
pub async fn assign_trainer(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageRoster>,
    id: web::Path<MembershipId>,
    body: Json<AssignTrainerRequest>,
) -> ApiResult<web::Json<MemberView>> {
    roster::assign_trainer(&ctx, &auth, *id, body.trainer_id)
        .await
        .map(web::Json)
}

/// Remove someone from the tenant; their history stays.
#[utoipa::path(tag = "roster", security(("bearer" = ["identity.roster.manage"])),
    params(TenantHeader, ("id" = MembershipId, Path, description = "Membership id.")),
    responses(
        (status = 204, description = "Removed."),
        (status = 404, description = "No such person here (`roster.member_not_found`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "One's own membership (leave instead), or a concurrent change.", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/members/{id}")]
pub async fn remove_member(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageRoster>,
    id: web::Path<MembershipId>,
) -> ApiResult<HttpResponse> {
    roster::remove_member(&ctx, &auth, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Leave the tenant (the owner must transfer ownership first).
#[utoipa::path(tag = "roster", security(("bearer" = ["identity.membership.leave"])), params(TenantHeader),
    responses(
        (status = 204, description = "Left."),
        (status = 409, description = "The owner cannot leave (`roster.owner_cannot_leave`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/membership/leave")]
pub async fn leave(
    ctx: web::Data<AppContext>,
    auth: Authorized<LeaveTenant>,
) -> ApiResult<HttpResponse> {
    roster::leave(&ctx, &auth).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hand ownership to another person; the current owner becomes an admin.
#[utoipa::path(tag = "roster", security(("bearer" = ["identity.ownership.transfer"])), params(TenantHeader),
    request_body = TransferOwnershipRequest,
    responses(
        (status = 200, description = "The new owner.", body = MemberView),
        (status = 404, description = "No such person here.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the owner any more, or a concurrent change.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/ownership/transfer")]
pub async fn transfer_ownership(
    ctx: web::Data<AppContext>,
    auth: Authorized<TransferOwnership>,
    body: Json<TransferOwnershipRequest>,
) -> ApiResult<web::Json<MemberView>> {
    roster::transfer_ownership(&ctx, &auth, body.membership_id)
        .await
        .map(web::Json)
}

/// Invite someone by email; the invitation reaches them through the outbox.
#[utoipa::path(tag = "invitations", security(("bearer" = ["identity.invitations.manage"])), params(TenantHeader),
    request_body = CreateInvitationRequest,
    responses(
        (status = 201, description = "Invitation sent; an earlier pending one to this email is revoked.", body = InvitationView),
        (status = 409, description = "Already a member (`roster.already_member`).", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many invitations sent (`request.rate_limited`).", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again."))),
    ))]
#[post("/invitations")]
pub async fn create_invitation(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageInvitations>,
    body: Json<CreateInvitationRequest>,
) -> ApiResult<Created<InvitationView>> {
    ctx.rate_limit(
        &ctx.limits.invitations_per_account,
        &auth.account_id.to_string(),
    )
    .await?;
    let invitation = roster::invite(&ctx, &auth, body.email.as_str(), body.role).await?;
    Ok(Created {
        location: "/api/v1/invitations".to_owned(),
        body: invitation,
    })
}

/// The tenant's invitations, newest first.
#[utoipa::path(tag = "invitations", security(("bearer" = ["identity.invitations.manage"])), params(TenantHeader, PageQuery),
    responses((status = 200, description = "One page of invitations.", body = Page<InvitationView>)))]
#[get("/invitations")]
pub async fn list_invitations(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageInvitations>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<InvitationView>>> {
    roster::list_invitations(&ctx, auth.id, &query)
        .await
        .map(web::Json)
}

/// Revoke a pending invitation.
#[utoipa::path(tag = "invitations", security(("bearer" = ["identity.invitations.manage"])),
    params(TenantHeader, ("id" = uuid::Uuid, Path, description = "Invitation id.")),
    responses(
        (status = 204, description = "Revoked."),
        (status = 404, description = "No such invitation.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already used or revoked.", body = Problem, content_type = "application/problem+json"),
    ))]
#[delete("/invitations/{id}")]
pub async fn revoke_invitation(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageInvitations>,
    id: web::Path<uuid::Uuid>,
) -> ApiResult<HttpResponse> {
    roster::revoke_invitation(&ctx, &auth, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Accept an invitation with the code from its email, signed in with the invited email.
#[utoipa::path(tag = "invitations", security(("bearer" = [])), request_body = AcceptInvitationRequest,
    responses(
        (status = 200, description = "The caller now belongs to the tenant.", body = JoinedView),
        (status = 403, description = "Signed in with another email (`invitations.wrong_account`).", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown code.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already used, revoked or expired; or already a member; or the client limit.", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/invitations/accept")]
pub async fn accept_invitation(
    ctx: web::Data<AppContext>,
    user: AuthUser,
    body: Json<AcceptInvitationRequest>,
) -> ApiResult<web::Json<JoinedView>> {
    roster::accept_invitation(&ctx, user, &body.token)
        .await
        .map(web::Json)
}

/// The tenant's security events, newest first (owners and admins).
#[utoipa::path(tag = "audit", security(("bearer" = ["identity.audit.read"])), params(TenantHeader, PageQuery),
    responses((status = 200, description = "One page of the audit log.", body = Page<AuditEventView>)))]
#[get("/audit")]
pub async fn list_audit(
    ctx: web::Data<AppContext>,
    auth: Authorized<ViewAudit>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<Page<AuditEventView>>> {
    roster::list_audit(&ctx, auth.id, &query)
        .await
        .map(web::Json)
}

/// The code clients join this workspace with.
#[utoipa::path(tag = "workspace", security(("bearer" = ["identity.join_code.manage"])), params(TenantHeader),
    responses((status = 200, description = "The current join code.", body = JoinCodeView)))]
#[get("/join-code")]
pub async fn get_join_code(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageJoinCode>,
) -> ApiResult<web::Json<JoinCodeView>> {
    let code = roster::join_code(&ctx, &auth).await?;
    Ok(web::Json(JoinCodeView { code }))
}

/// Replace the join code; the old one stops working at once.
#[utoipa::path(tag = "workspace", security(("bearer" = ["identity.join_code.manage"])), params(TenantHeader),
    responses((status = 200, description = "The new join code.", body = JoinCodeView)))]
#[post("/join-code/rotate")]
pub async fn rotate_join_code(
    ctx: web::Data<AppContext>,
    auth: Authorized<ManageJoinCode>,
) -> ApiResult<web::Json<JoinCodeView>> {
    let code = roster::rotate_join_code(&ctx, &auth).await?;
    Ok(web::Json(JoinCodeView { code }))
}

/// Join a trainer's workspace as a client with its join code.
#[utoipa::path(tag = "workspace", security(("bearer" = [])), request_body = JoinRequest,
    responses(
        (status = 200, description = "The caller is now a client of the workspace.", body = JoinedView),
        (status = 404, description = "No workspace has this code (`roster.join_code_invalid`).", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already a client, or the workspace is full (`roster.client_limit_reached`).", body = Problem, content_type = "application/problem+json"),
    ))]
#[post("/join")]
pub async fn join(
    ctx: web::Data<AppContext>,
    user: AuthUser,
    body: Json<JoinRequest>,
) -> ApiResult<web::Json<JoinedView>> {
    roster::join(&ctx, user, &body.code).await.map(web::Json)
}
