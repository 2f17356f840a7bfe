//! Request and response bodies of the roster, invitations, join codes and the audit log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use palestra_core::entities::{account, audit_event, membership};
use palestra_core::ids::{AccountId, MembershipId, TenantId};
use palestra_core::types::Email;
use palestra_core::{FieldError, Role, Validate};

use crate::entities::invitation;

/// A person in the tenant's roster.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// The membership id (what the roster routes take).
    pub id: MembershipId,
    pub account_id: AccountId,
    pub full_name: String,
    pub email: String,
    pub role: Role,
    /// `active`, `paused`, `archived` or `removed`.
    pub status: String,
    pub joined_at: DateTime<Utc>,
    /// gym-api: the account id of the trainer this member is assigned to (who sees the member's
    /// progress), if any.
    pub assigned_trainer_id: Option<AccountId>,
}

impl MemberView {
    /// The view of a membership and its account.
    pub fn new(membership: membership::Model, account: account::Model) -> Self {
        Self {
            id: MembershipId(membership.id),
            account_id: AccountId(account.id),
            full_name: account.full_name,
            email: account.email,
            role: Role::parse(&membership.role).unwrap_or(Role::Member),
            status: membership.status,
            joined_at: membership.created_at,
            assigned_trainer_id: membership.assigned_trainer_id.map(AccountId),
        }
    }
}

/// A membership's state, as a status filter or a new state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// Full access.
    Active,
    /// Access kept, coaching paused.
    Paused,
    /// No access; history kept.
    Archived,
    /// Removed or left; history kept (filter only).
    Removed,
}

impl MemberStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => membership::STATUS_ACTIVE,
            Self::Paused => membership::STATUS_PAUSED,
            Self::Archived => membership::STATUS_ARCHIVED,
            Self::Removed => membership::STATUS_REMOVED,
        }
    }
}

/// Roster filters and page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberQuery {
    /// Only this role.
    pub role: Option<Role>,
    /// Only this status; by default people with access (active and paused).
    pub status: Option<MemberStatus>,
    /// Part of a name or email, case-insensitive.
    pub q: Option<String>,
    /// Items per page, 1 to 100 (default 50).
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Add someone who already has an account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    pub email: Email,
    pub role: Role,
}

impl Validate for AddMemberRequest {}

/// Change a person's role or status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberRequest {
    pub role: Option<Role>,
    /// `active`, `paused` or `archived`.
    pub status: Option<MemberStatus>,
}

impl Validate for UpdateMemberRequest {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.role.is_none() && self.status.is_none() {
            errors.push(FieldError::new("", "empty", "give a role or a status"));
        }
        if self.status == Some(MemberStatus::Removed) {
            errors.push(FieldError::new(
                "status",
                "invalid",
                "remove people with DELETE instead",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Assign a member to a trainer, or take the assignment away.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignTrainerRequest {
    /// The trainer's account id (`account_id` in the roster), who must hold the trainer role
    /// here; `null` leaves the member without a trainer.
    pub trainer_id: Option<AccountId>,
}

impl Validate for AssignTrainerRequest {}

/// Hand the tenant to another member; the current owner becomes an admin.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferOwnershipRequest {
    /// The membership id of the new owner.
    pub membership_id: MembershipId,
}

impl Validate for TransferOwnershipRequest {}

/// Invite someone by email.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitationRequest {
    pub email: Email,
    pub role: Role,
}

impl Validate for CreateInvitationRequest {}

/// An invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationView {
    pub id: uuid::Uuid,
    pub email: String,
    pub role: Role,
    /// `pending`, `accepted`, `revoked` or `expired`.
    pub status: String,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

impl From<invitation::Model> for InvitationView {
    fn from(model: invitation::Model) -> Self {
        let expired = model.status == "pending" && model.expires_at <= Utc::now();
        Self {
            id: model.id,
            email: model.email,
            role: Role::parse(&model.role).unwrap_or(Role::Member),
            status: if expired {
                "expired".to_owned()
            } else {
                model.status
            },
            expires_at: model.expires_at,
            created_at: model.created_at,
        }
    }
}

/// Accept an invitation with the token from its email.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AcceptInvitationRequest {
    pub token: String,
}

impl Validate for AcceptInvitationRequest {}

/// The caller's new membership.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinedView {
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub membership_id: MembershipId,
    pub role: Role,
}

/// The code clients join a trainer's workspace with.
#[derive(Debug, Serialize, ToSchema)]
pub struct JoinCodeView {
    pub code: String,
}

/// Join a workspace with its code.
#[derive(Debug, Deserialize, ToSchema)]
pub struct JoinRequest {
    pub code: String,
}

impl Validate for JoinRequest {}

/// A security event of the tenant.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventView {
    pub id: uuid::Uuid,
    /// `area.event`, e.g. `roster.role_changed`.
    pub action: String,
    pub actor_account_id: Option<AccountId>,
    pub subject_account_id: Option<AccountId>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<audit_event::Model> for AuditEventView {
    fn from(model: audit_event::Model) -> Self {
        Self {
            id: model.id,
            action: model.action,
            actor_account_id: model.actor_account_id.map(AccountId),
            subject_account_id: model.subject_account_id.map(AccountId),
            details: model.details,
            ip: model.ip,
            created_at: model.created_at,
        }
    }
}
