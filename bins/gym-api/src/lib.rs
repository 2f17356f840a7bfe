//! gym-api: the gym product: owners, admins, trainers and members, a gym chosen per request with `X-Gym-ID`.
//!
//! This crate only composes: the product value and the modules its cargo features select.

use palestra_core::Product;
use palestra_server::Modules;

/// The product this binary serves.
pub fn product() -> Product {
    Product::gym()
}

/// The modules this binary mounts, chosen by its cargo features.
pub fn modules() -> Modules {
    #[allow(unused_mut, reason = "mutated only when a module feature is on")]
    let mut modules: Modules = Vec::new();
    #[cfg(feature = "identity")]
    modules.extend(palestra_identity::gym_modules());
    #[cfg(feature = "notifications")]
    modules.extend(palestra_notifications::modules());
    #[cfg(feature = "schedule")]
    modules.extend(palestra_schedule::modules());
    #[cfg(feature = "health")]
    modules.extend(palestra_health::modules());
    modules
}
