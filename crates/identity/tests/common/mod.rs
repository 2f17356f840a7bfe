//! Shared set-up of identity's API tests.

#![allow(dead_code, reason = "each test file uses a different part")]

use palestra_core::Product;
use palestra_testkit::TestApp;

/// gym-api as the gym binary composes identity.
pub async fn gym_app() -> TestApp {
    TestApp::spawn(Product::gym(), palestra_identity::gym_modules()).await
}

/// trainer-api as the trainer binary composes identity.
pub async fn trainer_app() -> TestApp {
    TestApp::spawn(Product::trainer(), palestra_identity::trainer_modules()).await
}
