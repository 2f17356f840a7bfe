//! Demo data: a gym (or a trainer's workspace) with staff and members, so every route can be
//! tried from the docs page at once. Idempotent: a second run reports what is there.

use chrono::Utc;
use sea_orm::ActiveValue::Set;

use palestra_core::entities::tenant;
use palestra_core::ids::{AccountId, TenantId};
use palestra_core::{ApiError, AppContext, ProductKind, Role, SeedOptions};

use crate::password::Hasher;
use crate::repo::{self, NewAccount};
use crate::service::insert_tenant_with_owner;

const FIRST_NAMES: [&str; 12] = [
    "Ana", "Bruno", "Carla", "Diego", "Elena", "Fernando", "Gabriela", "Hugo", "Irene", "Javier",
    "Lucía", "Mateo",
];
const LAST_NAMES: [&str; 10] = [
    "García",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Romero",
    "Navarro",
    "Torres",
    "Ruiz",
    "Vega",
];

fn person(i: u32) -> String {
    let first = FIRST_NAMES[i as usize % FIRST_NAMES.len()];
    let last = LAST_NAMES[(i as usize / FIRST_NAMES.len()) % LAST_NAMES.len()];
    format!("{first} {last}")
}

struct Person {
    email: String,
    name: String,
}

async fn insert_people(
    txn: &impl sea_orm::ConnectionTrait,
    people: &[Person],
    password_hash: &str,
) -> Result<Vec<AccountId>, ApiError> {
    let mut ids = Vec::with_capacity(people.len());
    for chunk in people.chunks(500) {
        let news = chunk
            .iter()
            .map(|p| NewAccount {
                email: &p.email,
                email_normalized: p.email.to_lowercase(),
                password_hash: password_hash.to_owned(),
                full_name: &p.name,
            })
            .collect();
        ids.extend(repo::insert_accounts(txn, news).await?);
    }
    Ok(ids)
}

fn tenant_row(
    kind: ProductKind,
    name: &str,
    time_zone: &str,
    currency: &str,
    email: &str,
) -> tenant::ActiveModel {
    let now = Utc::now();
    tenant::ActiveModel {
        id: Set(TenantId::new().uuid()),
        kind: Set(kind.as_str().to_owned()),
        name: Set(name.to_owned()),
        status: Set(tenant::STATUS_ACTIVE.to_owned()),
        time_zone: Set(time_zone.to_owned()),
        currency: Set(currency.to_owned()),
        contact_email: Set(Some(email.to_owned())),
        contact_phone: Set(Some("+34 910 000 000".to_owned())),
        specialties: Set(serde_json::json!([])),
        certifications: Set(serde_json::json!([])),
        max_clients: Set(None),
        bio: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

async fn existing(
    ctx: &AppContext,
    email: &str,
    what: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let Some(account) = repo::find_account_by_email(&ctx.db, email).await? else {
        return Ok(None);
    };
    let tenants =
        repo::list_my_tenants(&ctx.db, AccountId(account.id), ctx.product.kind, None, 1).await?;
    Ok(Some(match tenants.first() {
        Some((_, t)) => vec![
            format!("The demo {what} exists already."),
            format!("tenant_id={}", t.id),
            format!("owner={email}"),
        ],
        None => vec![format!(
            "{email} exists but has no {what}; use another database."
        )],
    }))
}

/// A gym with an owner, an admin, two trainers and `members` members.
pub async fn gym(
    ctx: &AppContext,
    hasher: &Hasher,
    options: &SeedOptions,
) -> Result<Vec<String>, ApiError> {
    let owner_email = "owner@demo.palestra.dev";
    if let Some(lines) = existing(ctx, owner_email, "gym").await? {
        return Ok(lines);
    }
    let password_hash = hasher.hash(options.password.clone()).await?;
    let staff = [
        (owner_email, "Olivia Owner", Role::Owner),
        ("admin@demo.palestra.dev", "Adrián Admin", Role::Admin),
        ("trainer1@demo.palestra.dev", "Tomás Trainer", Role::Trainer),
        (
            "trainer2@demo.palestra.dev",
            "Teresa Trainer",
            Role::Trainer,
        ),
    ];
    let members: Vec<Person> = (1..=options.members)
        .map(|i| Person {
            email: format!("member{i:03}@demo.palestra.dev"),
            name: person(i),
        })
        .collect();

    let mut row = tenant_row(
        ProductKind::Gym,
        "Palestra Demo Gym",
        "Europe/Madrid",
        "EUR",
        "hola@demo.palestra.dev",
    );
    row.client_count = Set(i32::try_from(members.len()).unwrap_or(i32::MAX));

    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    let mut gym = None;
    for (email, name, role) in staff {
        let ids = insert_people(
            &txn,
            &[Person {
                email: email.to_owned(),
                name: name.to_owned(),
            }],
            &password_hash,
        )
        .await?;
        match (role, &gym) {
            // The same path as a real sign-up: slug, default modules, tenant.created.
            (Role::Owner, None) => {
                let owner = ids.first().copied().unwrap_or_default();
                gym = Some(
                    insert_tenant_with_owner(
                        &txn,
                        ctx,
                        row.clone(),
                        owner,
                        Some("Palestra Demo Gym"),
                    )
                    .await?,
                );
            }
            (_, Some(gym)) => repo::insert_memberships(&txn, TenantId(gym.id), &ids, role).await?,
            (_, None) => {}
        }
    }
    let gym =
        gym.ok_or_else(|| ApiError::internal(std::io::Error::other("the demo owner comes first")))?;
    let gym_id = TenantId(gym.id);
    let member_ids = insert_people(&txn, &members, &password_hash).await?;
    repo::insert_memberships(&txn, gym_id, &member_ids, Role::Member).await?;
    txn.commit().await?;

    Ok(vec![
        format!("Created the demo gym \"{}\" with {} members.", gym.name, options.members),
        format!("tenant_id={gym_id}"),
        format!("owner={owner_email}"),
        "Also: admin@demo.palestra.dev, trainer1@demo.palestra.dev, trainer2@demo.palestra.dev, member001@demo.palestra.dev …".to_owned(),
        format!("Every demo account's password: {}", options.password),
    ])
}

/// A trainer's workspace with `members` clients.
pub async fn workspace(
    ctx: &AppContext,
    hasher: &Hasher,
    options: &SeedOptions,
) -> Result<Vec<String>, ApiError> {
    let trainer_email = "trainer@demo.palestra.dev";
    if let Some(lines) = existing(ctx, trainer_email, "workspace").await? {
        return Ok(lines);
    }
    let password_hash = hasher.hash(options.password.clone()).await?;
    let clients: Vec<Person> = (1..=options.members)
        .map(|i| Person {
            email: format!("client{i:03}@demo.palestra.dev"),
            name: person(i),
        })
        .collect();
    let mut row = tenant_row(
        ProductKind::Trainer,
        "Alex Rivera",
        "America/Mexico_City",
        "MXN",
        trainer_email,
    );
    row.specialties = Set(serde_json::json!([
        "strength",
        "mobility",
        "nutrition coaching"
    ]));
    row.certifications = Set(serde_json::json!(["NSCA-CPT"]));
    row.bio = Set(Some(
        "Strength coach helping busy people train well three times a week.".to_owned(),
    ));

    row.client_count = Set(i32::try_from(clients.len()).unwrap_or(i32::MAX));
    row.max_clients = Set(Some(
        i32::try_from(clients.len()).unwrap_or(i32::MAX).max(40),
    ));

    let txn = palestra_core::db::begin_write(&ctx.db).await?;
    let trainer = insert_people(
        &txn,
        &[Person {
            email: trainer_email.to_owned(),
            name: "Alex Rivera".to_owned(),
        }],
        &password_hash,
    )
    .await?;
    let owner = trainer.first().copied().unwrap_or_default();
    let workspace = insert_tenant_with_owner(&txn, ctx, row, owner, None).await?;
    let workspace_id = TenantId(workspace.id);
    let client_ids = insert_people(&txn, &clients, &password_hash).await?;
    repo::insert_memberships(&txn, workspace_id, &client_ids, Role::Member).await?;
    txn.commit().await?;

    Ok(vec![
        format!(
            "Created the demo workspace of {} with {} clients.",
            workspace.name, options.members
        ),
        format!("tenant_id={workspace_id}"),
        format!("owner={trainer_email}"),
        "Clients: client001@demo.palestra.dev …".to_owned(),
        format!("Every demo account's password: {}", options.password),
    ])
}
