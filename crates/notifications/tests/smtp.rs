//! The SMTP sender against a small SMTP server run by the test: what it sends, how refusals and
//! outages are classified, and which settings are refused at start.

mod common;

use std::sync::{Arc, Mutex};

use chrono::Utc;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use palestra_notifications::channels::{Channels, EmailSender, SendError, SmtpEmail};
use palestra_notifications::error::ConfigError;
use palestra_notifications::runner::deliver_due;
use palestra_notifications::settings::{DEFAULT_SMTP_FROM, NotificationSettings};

use common::{app, enqueue_email, reload};

/// One email as the server received it.
#[derive(Debug, Clone, Default)]
struct Received {
    from: String,
    to: Vec<String>,
    data: String,
}

/// A minimal SMTP server on a free port: it accepts everything except recipients containing
/// `refuse`, which get a permanent 550.
async fn smtp_server(refuse: &'static str) -> std::io::Result<(String, Arc<Mutex<Vec<Received>>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("smtp://127.0.0.1:{}", listener.local_addr()?.port());
    let inbox = Arc::new(Mutex::new(Vec::new()));
    let received = inbox.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let inbox = inbox.clone();
            tokio::spawn(async move {
                let (reader, mut writer) = stream.into_split();
                let mut lines = BufReader::new(reader).lines();
                let mut current = Received::default();
                if writer.write_all(b"220 test ESMTP\r\n").await.is_err() {
                    return;
                }
                while let Ok(Some(line)) = lines.next_line().await {
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 test\r\n"
                    } else if upper.starts_with("MAIL FROM:") {
                        current = Received {
                            from: line[10..].to_owned(),
                            ..Received::default()
                        };
                        b"250 OK\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        if line.contains(refuse) {
                            b"550 5.1.1 no such user\r\n"
                        } else {
                            current.to.push(line[8..].to_owned());
                            b"250 OK\r\n"
                        }
                    } else if upper == "DATA" {
                        if writer.write_all(b"354 go ahead\r\n").await.is_err() {
                            return;
                        }
                        while let Ok(Some(data)) = lines.next_line().await {
                            if data == "." {
                                break;
                            }
                            current.data.push_str(&data);
                            current.data.push('\n');
                        }
                        if let Ok(mut inbox) = inbox.lock() {
                            inbox.push(current.clone());
                        }
                        b"250 queued\r\n"
                    } else if upper == "QUIT" {
                        let _ = writer.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 OK\r\n"
                    };
                    if writer.write_all(reply).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok((url, received))
}

#[tokio::test]
async fn the_smtp_sender_hands_the_email_to_the_server() {
    let (url, inbox) = smtp_server("refused").await.unwrap();
    let sender = SmtpEmail::new(&url, DEFAULT_SMTP_FROM).unwrap();
    sender
        .send("ana@example.com", "Your class", "See you at 7.")
        .await
        .unwrap();
    let received = inbox.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "<no-reply@palestra.local>");
    assert_eq!(received[0].to, ["<ana@example.com>"]);
    let data = &received[0].data;
    assert!(data.contains("Subject: Your class"), "{data}");
    assert!(
        data.contains("From: Palestra <no-reply@palestra.local>"),
        "{data}"
    );
    assert!(data.contains("To: ana@example.com"), "{data}");
    assert!(data.contains("Content-Type: text/plain"), "{data}");
    assert!(data.contains("See you at 7."), "{data}");
}

#[tokio::test]
async fn a_refused_recipient_is_permanent_and_an_unreachable_server_is_not() {
    let (url, _) = smtp_server("refused").await.unwrap();
    let sender = SmtpEmail::new(&url, DEFAULT_SMTP_FROM).unwrap();
    let error = sender
        .send("refused@example.com", "Hi", "Body")
        .await
        .unwrap_err();
    assert!(matches!(error, SendError::Permanent(_)), "{error:?}");
    let error = sender
        .send("not an address", "Hi", "Body")
        .await
        .unwrap_err();
    assert!(matches!(error, SendError::Permanent(_)), "{error:?}");

    // Nothing listens on a port just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sender = SmtpEmail::new(&format!("smtp://127.0.0.1:{port}"), DEFAULT_SMTP_FROM).unwrap();
    let error = sender
        .send("ana@example.com", "Hi", "Body")
        .await
        .unwrap_err();
    assert!(matches!(error, SendError::Transient(_)), "{error:?}");
}

#[tokio::test]
async fn bad_smtp_settings_are_refused_without_revealing_the_password() {
    let error =
        SmtpEmail::new("smtq://user:hunter2@mail.example.com", DEFAULT_SMTP_FROM).unwrap_err();
    assert!(matches!(error, ConfigError::InvalidSmtpUrl(_)), "{error:?}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
    let error = SmtpEmail::new("smtp://mail.example.com", "not a mailbox").unwrap_err();
    assert!(matches!(error, ConfigError::InvalidSender(_)), "{error:?}");
    let settings = NotificationSettings {
        smtp_url: Some("smtp://user:hunter2@mail.example.com:587".to_owned()),
        ..NotificationSettings::default()
    };
    assert!(!format!("{settings:?}").contains("hunter2"));
}

#[tokio::test]
async fn with_smtp_configured_the_runner_sends_through_it() {
    let (url, inbox) = smtp_server("refused").await.unwrap();
    let channels = Channels::from_settings(&NotificationSettings {
        smtp_url: Some(url),
        smtp_from: "Gym Forja <hola@forja.example>".to_owned(),
        ..NotificationSettings::default()
    })
    .unwrap();
    let app = app().await;
    let delivered = enqueue_email(&app, "ana@example.com").await;
    let refused = enqueue_email(&app, "refused@example.com").await;
    let pass = deliver_due(&app.db, &channels, Utc::now()).await.unwrap();
    assert_eq!((pass.delivered, pass.failed), (1, 1), "{pass:?}");
    assert_eq!(reload(&app, &delivered).await.status, "delivered");
    let refused = reload(&app, &refused).await;
    assert_eq!(refused.status, "failed");
    assert!(
        refused.last_error.unwrap().contains("550"),
        "the server's answer is kept"
    );
    let received = inbox.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].from, "<hola@forja.example>");
}
