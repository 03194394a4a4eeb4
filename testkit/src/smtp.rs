use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::{free_port, wait_until};

/// A real SMTP server (aiosmtpd, from PyPI) storing what it receives in a maildir.
pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`, for `SMTP_URL`.
    pub url: String,
    maildir: tempfile::TempDir,
    _child: Child,
}

/// A message the sink received, parsed.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The `To` addresses.
    pub to: Vec<String>,
    /// The decoded subject.
    pub subject: String,
    /// The decoded text/plain part.
    pub text: Option<String>,
    /// The decoded text/html part.
    pub html: Option<String>,
    /// The raw message.
    pub raw: String,
}

impl SmtpSink {
    /// Starts aiosmtpd on a free port and waits until it accepts connections.
    pub async fn start() -> Self {
        let port = free_port();
        let maildir = tempfile::tempdir().unwrap_or_else(|e| panic!("maildir: {e}"));
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(maildir.path().join("box"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting aiosmtpd (pip install aiosmtpd): {e}"));
        let up =
            wait_until(Duration::from_secs(15), || async move { tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() }).await;
        assert!(up, "aiosmtpd did not start on port {port}");
        Self { url: format!("smtp://127.0.0.1:{port}"), maildir, _child: child }
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let dir: PathBuf = self.maildir.path().join("box").join("new");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Vec::new();
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        paths.iter().filter_map(|p| parse(p)).collect()
    }

    /// Waits (up to 15 s) for a message to `recipient`.
    pub async fn wait_for(&self, recipient: &str) -> ReceivedMail {
        let mut found = None;
        let arrived = wait_until(Duration::from_secs(15), || {
            let hit = self.messages().into_iter().find(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(recipient)));
            let done = hit.is_some();
            found = hit;
            async move { done }
        })
        .await;
        match (arrived, found) {
            (true, Some(mail)) => mail,
            _ => panic!("no mail for {recipient} reached the SMTP sink"),
        }
    }
}

fn parse(path: &Path) -> Option<ReceivedMail> {
    let raw = std::fs::read(path).ok()?;
    let message = mail_parser::MessageParser::default().parse(&raw)?;
    let to = message.to().map(|addresses| addresses.iter().filter_map(|a| a.address().map(str::to_string)).collect()).unwrap_or_default();
    Some(ReceivedMail {
        to,
        subject: message.subject().unwrap_or_default().to_string(),
        text: message.body_text(0).map(|t| t.into_owned()),
        html: message.body_html(0).map(|h| h.into_owned()),
        raw: String::from_utf8_lossy(&raw).into_owned(),
    })
}
