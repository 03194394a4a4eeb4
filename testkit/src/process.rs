use std::future::Future;
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port: {e}"))
}

/// Polls `check` until it holds or `deadline` passes; true when it held.
pub async fn wait_until<F, Fut>(deadline: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let until = Instant::now() + deadline;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(crate::POLL_INTERVAL).await;
    }
}

/// The moto server for AWS APIs: `MOTO_URL` when `scripts/test` started one, else one started
/// for this test process, stopped when the process exits.
pub async fn moto_endpoint() -> String {
    if let Ok(url) = std::env::var("MOTO_URL") {
        return url;
    }
    static STARTED: OnceLock<(String, std::sync::Mutex<Option<std::process::Child>>)> = OnceLock::new();
    let (url, _) = STARTED.get_or_init(|| {
        let port = free_port();
        // The shell stops moto when our end of its stdin closes, i.e. when this test process
        // exits, whatever way it exits: no server outlives the tests.
        let script = format!("moto_server -H 127.0.0.1 -p {port} >/dev/null 2>&1 & server=$!; cat >/dev/null; kill $server; wait $server");
        let child = std::process::Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting moto_server (pip install 'moto[server]'): {e}"));
        (format!("http://127.0.0.1:{port}"), std::sync::Mutex::new(Some(child)))
    });
    let probe = url.clone();
    let up = wait_until(Duration::from_secs(30), || {
        let probe = probe.clone();
        async move { reqwest::get(format!("{probe}/moto-api/")).await.is_ok() }
    })
    .await;
    assert!(up, "moto_server did not start");
    url.clone()
}

/// A workspace binary run as a child process; killed when dropped.
pub struct Binary {
    /// The process.
    pub child: Child,
    /// The port it was told to listen on.
    pub port: u16,
}

impl Binary {
    /// Starts `path` with `args` and `env` (plus `PORT` on a free port unless given).
    pub fn spawn(path: &str, args: &[&str], env: &[(&str, String)]) -> Self {
        let port = env.iter().find(|(k, _)| *k == "PORT").and_then(|(_, v)| v.parse().ok()).unwrap_or_else(free_port);
        let mut command = Command::new(path);
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("PORT", port.to_string())
            .env("APP_ENV", "test")
            .env("RUST_LOG", std::env::var("CHILD_RUST_LOG").unwrap_or_else(|_| "warn".into()))
            .stdin(Stdio::null())
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().unwrap_or_else(|e| panic!("starting {path}: {e}"));
        Self { child, port }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until `path` answers 200.
    pub async fn wait_ready(&self, path: &str) -> bool {
        let url = format!("{}{path}", self.base_url());
        wait_until(Duration::from_secs(30), || {
            let url = url.clone();
            async move { matches!(reqwest::get(&url).await, Ok(r) if r.status().is_success()) }
        })
        .await
    }

    /// Sends a signal to the process (`SIGTERM`, `SIGKILL`…) with `kill`.
    pub async fn signal(&self, signal: &str) {
        let pid = self.child.id().unwrap_or_else(|| panic!("process already reaped"));
        let status = Command::new("kill").args(["-s", signal, &pid.to_string()]).status().await;
        assert!(matches!(status, Ok(s) if s.success()), "kill -s {signal} {pid} failed");
    }

    /// Waits for the process to exit (up to `deadline`) and returns its exit status.
    pub async fn wait_exit(&mut self, deadline: Duration) -> std::process::ExitStatus {
        match tokio::time::timeout(deadline, self.child.wait()).await {
            Ok(Ok(status)) => status,
            Ok(Err(e)) => panic!("waiting for the process: {e}"),
            Err(_) => panic!("the process did not exit within {deadline:?}"),
        }
    }
}

/// Creates the JSON secret `name` in moto's Secrets Manager at `endpoint`, with the real SDK.
pub async fn put_secret(endpoint: &str, name: &str, value: &str) {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("eu-west-3"))
        .credentials_provider(aws_sdk_secretsmanager::config::Credentials::new("test", "test", None, None, "test"))
        .load()
        .await;
    let created = aws_sdk_secretsmanager::Client::new(&config).create_secret().name(name).secret_string(value).send().await;
    if let Err(e) = created {
        panic!("creating secret {name} in moto: {}", aws_sdk_secretsmanager::error::DisplayErrorContext(e));
    }
}

/// Runs `path` with `args` in a clean test environment plus `env` and waits for it: (success,
/// stdout, stderr). For the command-line tools (`ycyw-worker jobs list`, `seed-demo`…).
pub async fn run_to_end(path: &str, args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let output = Command::new(path)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("APP_ENV", "test")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .output()
        .await
        .unwrap_or_else(|e| panic!("running {path}: {e}"));
    (output.status.success(), String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}
