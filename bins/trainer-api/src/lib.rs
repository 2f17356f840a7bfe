//! trainer-api: the personal trainer product: a trainer and their clients, the workspace found from the caller.
//!
//! This crate only composes: the product value and the modules its cargo features select.

use palestra_core::Product;
use palestra_server::Modules;

/// The product this binary serves.
pub fn product() -> Product {
    Product::trainer()
}

/// The modules this binary mounts, chosen by its cargo features.
pub fn modules() -> Modules {
    #[allow(unused_mut, reason = "mutated only when a module feature is on")]
    let mut modules: Modules = Vec::new();
    #[cfg(feature = "identity")]
    modules.extend(palestra_identity::trainer_modules());
    #[cfg(feature = "notifications")]
    modules.extend(palestra_notifications::modules());
    #[cfg(feature = "trainer")]
    modules.extend(palestra_trainer::modules());
    #[cfg(feature = "health")]
    modules.extend(palestra_health::modules());
    modules
}
