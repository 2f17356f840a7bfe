//! The real binary: it starts on the embedded default and stops cleanly on SIGTERM.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[test]
fn the_binary_serves_on_sqlite_and_stops_on_sigterm() {
    let data = std::env::temp_dir().join(format!("palestra-signals-{}", std::process::id()));
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gym-api"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", &data)
        .env("PORT", port.to_string())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let started = Instant::now();
    let health = loop {
        if let Some(response) = get(port, "/healthz") {
            break response;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(
        data.join("gym-api.sqlite").exists(),
        "the embedded database lives in DATA_DIR"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(20),
            "the server did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "a SIGTERM stop is a clean exit: {status:?}"
    );
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn the_admin_command_grants_super_admin_rights_to_a_registered_account() {
    let data = std::env::temp_dir().join(format!("palestra-admin-{}", std::process::id()));
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gym-api"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATA_DIR", &data)
            .env("RUST_LOG", "error")
            .output()
            .unwrap()
    };
    let missing = run(&["admin", "create", "--email", "nobody@example.com"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("register it first"));
    let seeded = run(&["seed-demo", "--members", "2"]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let granted = run(&["admin", "create", "--email", "Owner@demo.palestra.dev"]);
    assert!(
        granted.status.success(),
        "{}",
        String::from_utf8_lossy(&granted.stderr)
    );
    assert!(String::from_utf8_lossy(&granted.stdout).contains("is now a platform super-admin"));
    let revoked = run(&["admin", "revoke", "--email", "owner@demo.palestra.dev"]);
    assert!(revoked.status.success());
    let _ = std::fs::remove_dir_all(&data);
}
