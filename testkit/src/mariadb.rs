//! A MariaDB server of the test's own — its own data directory, socket and loopback port — so
//! that a fault test may stop and start it under a running process (as `start_private_mariadb`
//! in scripts/lib.sh does for the suite). Needs the `mariadb-server` package (scripts/test
//! installs it); a missing server fails the test, it is never skipped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

use crate::{free_port, wait_until};

/// A private `mariadbd` on `127.0.0.1:port`, root without a password; killed when dropped.
pub struct PrivateMariaDb {
    /// The loopback port it listens on (the same across restarts).
    pub port: u16,
    dir: tempfile::TempDir,
    server: Option<Child>,
}

/// `name` on `PATH`, else the first of `fallbacks` that exists.
fn program(name: &str, fallbacks: &[&str]) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| std::env::split_paths(&paths).map(|dir| dir.join(name)).find(|p| p.is_file()));
    on_path.or_else(|| fallbacks.iter().map(PathBuf::from).find(|p| p.is_file()))
}

fn required(name: &str, fallbacks: &[&str]) -> PathBuf {
    program(name, fallbacks).unwrap_or_else(|| {
        panic!("{name} not found (on PATH or in {fallbacks:?}): install the Debian package mariadb-server (scripts/test does)")
    })
}

/// The user the tests run as (`mariadbd` refuses to run as root unless told so by `--user`).
fn user() -> String {
    let id = std::process::Command::new("id").arg("-un").output().ok().filter(|o| o.status.success());
    id.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|u| !u.is_empty())
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "root".into())
}

impl PrivateMariaDb {
    /// Initialises a data directory (`mariadb-install-db`) and starts the server on a free port.
    pub async fn start() -> Self {
        let install = required("mariadb-install-db", &["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"]);
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("mariadb directory: {e}"));
        let data = dir.path().join("data");
        let output = Command::new(&install)
            .arg("--no-defaults")
            .arg(format!("--user={}", user()))
            .arg(format!("--datadir={}", data.display()))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
            .stdin(Stdio::null())
            .output()
            .await
            .unwrap_or_else(|e| panic!("running {}: {e}", install.display()));
        assert!(
            output.status.success(),
            "{} failed: {}{}",
            install.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let mut db = Self { port: free_port(), dir, server: None };
        db.start_again().await;
        db
    }

    /// `mysql://root@127.0.0.1:PORT/database`.
    pub fn url(&self, database: &str) -> String {
        format!("mysql://root@127.0.0.1:{}/{database}", self.port)
    }

    /// Creates the database `ycyw` (utf8mb4, as the product's databases) and returns its URL.
    pub async fn create_ycyw_database(&self) -> String {
        let admin = sqlx::MySqlPool::connect(&self.url("mysql")).await.unwrap_or_else(|e| panic!("the private MariaDB: {e}"));
        sqlx::query!("CREATE DATABASE ycyw CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            .execute(&admin)
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE ycyw: {e}"));
        admin.close().await;
        self.url("ycyw")
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Starts the server again on the same data directory and port, and waits until it answers.
    pub async fn start_again(&mut self) {
        assert!(self.server.is_none(), "the private MariaDB is running already");
        let mariadbd = required("mariadbd", &["/usr/sbin/mariadbd", "/usr/sbin/mysqld"]);
        let dir = self.path().to_path_buf();
        let server = Command::new(&mariadbd)
            .arg("--no-defaults")
            .arg(format!("--user={}", user()))
            .arg(format!("--datadir={}", dir.join("data").display()))
            .arg(format!("--port={}", self.port))
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--socket={}", dir.join("mysqld.sock").display()))
            .arg(format!("--pid-file={}", dir.join("mysqld.pid").display()))
            .arg(format!("--log-error={}", dir.join("error.log").display()))
            .args(["--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci", "--skip-name-resolve"])
            .args(["--innodb-buffer-pool-size=64M", "--max-connections=200"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", mariadbd.display()));
        self.server = Some(server);
        let port = self.port;
        let up = wait_until(Duration::from_secs(30), || async move {
            match tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
                // A server that accepts speaks first (its handshake): then it is ready for queries.
                Ok(stream) => {
                    let mut byte = [0u8; 1];
                    matches!(tokio::time::timeout(Duration::from_secs(1), stream.peek(&mut byte)).await, Ok(Ok(n)) if n > 0)
                }
                Err(_) => false,
            }
        })
        .await;
        if !up {
            let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
            panic!("the private MariaDB did not start on port {port}:\n{log}");
        }
    }

    /// Stops the server cleanly (SIGTERM, as a restart does: connections are closed, open
    /// transactions rolled back) and waits until it has exited.
    pub async fn stop(&mut self) {
        self.signal_and_wait("TERM").await;
    }

    /// Kills the server (SIGKILL, a crash: InnoDB recovers at the next start).
    pub async fn kill(&mut self) {
        self.signal_and_wait("KILL").await;
    }

    async fn signal_and_wait(&mut self, signal: &str) {
        let mut server = self.server.take().unwrap_or_else(|| panic!("the private MariaDB is not running"));
        let pid = server.id().unwrap_or_else(|| panic!("the private MariaDB exited by itself"));
        let sent = Command::new("kill").args(["-s", signal, &pid.to_string()]).status().await;
        assert!(matches!(sent, Ok(s) if s.success()), "kill -s {signal} {pid} failed");
        match tokio::time::timeout(Duration::from_secs(30), server.wait()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("waiting for the private MariaDB: {e}"),
            Err(_) => panic!("the private MariaDB did not stop within 30 s of SIG{signal}"),
        }
    }
}
