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

/// gym-api with settings adjusted by the test.
pub async fn gym_app_with(configure: impl FnOnce(&mut palestra_testkit::AppSettings)) -> TestApp {
    TestApp::spawn_configured(Product::gym(), palestra_identity::gym_modules(), configure).await
}

/// trainer-api with settings adjusted by the test.
pub async fn trainer_app_with(
    configure: impl FnOnce(&mut palestra_testkit::AppSettings),
) -> TestApp {
    TestApp::spawn_configured(
        Product::trainer(),
        palestra_identity::trainer_modules(),
        configure,
    )
    .await
}

/// The local Redis URL, or `None` (with a message) when nothing listens there.
pub fn local_redis() -> Option<String> {
    if std::net::TcpStream::connect("127.0.0.1:6379").is_ok() {
        Some("redis://127.0.0.1:6379".to_owned())
    } else {
        eprintln!("no Redis at 127.0.0.1:6379: the Redis variant is skipped here");
        None
    }
}
