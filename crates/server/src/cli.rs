//! The command line every binary shares: `serve` (default), `migrate`, `openapi`, `seed-demo`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use palestra_core::{Product, SeedOptions};

use crate::app::{App, Modules, openapi_document};
use crate::settings::Settings;
use crate::{db, telemetry};

#[derive(Parser)]
#[command(
    version,
    about = "A Palestra service. Configuration comes from environment variables; see the README."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve HTTP (the default).
    Serve,
    /// Apply pending database migrations and exit (safe to run from several instances at once).
    Migrate,
    /// Print the OpenAPI document.
    Openapi {
        /// Write it to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Manage platform super-admins (who can list and suspend tenants).
    Admin {
        #[command(subcommand)]
        action: AdminAction,
    },
    /// Fill the database with a small demo tenant, to try every route from the docs page.
    SeedDemo {
        /// How many members (or clients) the demo tenant gets.
        #[arg(long, default_value_t = 20)]
        members: u32,
        /// The password of every demo account.
        #[arg(long, default_value = "palestra-demo-1")]
        password: String,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// Make an existing account a platform super-admin (the person registers first).
    Create {
        /// The account's email.
        #[arg(long)]
        email: String,
    },
    /// Take super-admin rights away from an account.
    Revoke {
        /// The account's email.
        #[arg(long)]
        email: String,
    },
}

/// Grants or revokes super-admin rights on the account with this email.
async fn set_platform_admin(
    settings: &Settings,
    product: &Product,
    email: &str,
    admin: bool,
) -> anyhow::Result<()> {
    use palestra_core::entities::account;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db = db::connect(&settings.database, product).await?;
    let result = account::Entity::update_many()
        .col_expr(account::Column::IsPlatformAdmin, Expr::value(admin))
        .filter(account::Column::EmailNormalized.eq(email.trim().to_lowercase()))
        .filter(account::Column::DeletedAt.is_null())
        .exec(&db)
        .await?;
    if result.rows_affected == 0 {
        anyhow::bail!(
            "no account has the email {email}; register it first (POST /api/v1/auth/register)"
        );
    }
    println!(
        "{email} {} a platform super-admin",
        if admin { "is now" } else { "is no longer" }
    );
    Ok(())
}

/// Runs the command line of a product with its modules.
pub fn main(product: Product, modules: Modules) -> ExitCode {
    crate::install_crypto_provider();
    let cli = Cli::parse();
    let result = actix_web::rt::System::new().block_on(run(cli, product, modules));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, product: Product, modules: Modules) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi { output } = &command {
        let document = openapi_document(&product, &modules);
        let text = serde_json::to_string_pretty(&document)? + "\n";
        return match output {
            Some(path) => {
                std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
            }
            None => {
                print!("{text}");
                Ok(())
            }
        };
    }
    let settings = Settings::from_env(&product)?;
    telemetry::init(settings.json_logs);
    match command {
        Command::Serve => {
            let app = App::build(settings.clone(), product.clone(), modules).await?;
            tracing::info!(
                service = product.name,
                port = app.port(),
                docs = %format!("http://{}:{}/docs", display_host(&settings.host), app.port()),
                database = if settings.database.is_postgres() { "postgres" } else { "sqlite" },
                "listening"
            );
            app.run().await?;
            tracing::info!("stopped");
            Ok(())
        }
        Command::Migrate => {
            db::migrate(&settings.database, &product).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::SeedDemo { members, password } => {
            db::migrate(&settings.database, &product).await?;
            let mut settings = settings;
            settings.migrate_on_start = false;
            // Seeding serves nothing and sends nothing: what it enqueues waits for a running service.
            settings.run_jobs = false;
            settings.port = 0;
            settings.host = "127.0.0.1".to_owned();
            let app = App::build(settings, product, modules.clone()).await?;
            let options = SeedOptions { members, password };
            for module in &modules {
                let lines = module
                    .seed_demo(app.context(), &options)
                    .await
                    .map_err(|e| anyhow::anyhow!("seeding {}: {e}", module.name()))?;
                for line in lines {
                    println!("{line}");
                }
            }
            Ok(())
        }
        Command::Admin { action } => {
            db::migrate(&settings.database, &product).await?;
            match action {
                AdminAction::Create { email } => {
                    set_platform_admin(&settings, &product, &email, true).await
                }
                AdminAction::Revoke { email } => {
                    set_platform_admin(&settings, &product, &email, false).await
                }
            }
        }
        Command::Openapi { .. } => Ok(()),
    }
}

fn display_host(host: &str) -> &str {
    if host == "0.0.0.0" || host == "127.0.0.1" {
        "localhost"
    } else {
        host
    }
}
