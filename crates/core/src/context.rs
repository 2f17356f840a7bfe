//! The state every handler can reach: database, product and token keys.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::TokenKeys;
use crate::product::Product;

/// Shared application state, cheap to clone (registered as `web::Data<AppContext>`).
#[derive(Clone)]
pub struct AppContext {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// Which product this process is.
    pub product: Arc<Product>,
    /// Signs and verifies access tokens.
    pub tokens: Arc<TokenKeys>,
}
