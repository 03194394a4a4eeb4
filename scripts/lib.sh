# Shared by scripts/dev and scripts/test: install what is missing, start a private MariaDB.
# Sourced, not run. Every function is idempotent: a second run finds things in place and is fast.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="${YCYW_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ycyw-tools}"
PY_VENV="$TOOLS_DIR/pyvenv"
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

APT_UPDATED=0
# ensure_apt PACKAGE… — installs the Debian packages that are not installed yet.
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages (${missing[*]}); run as root or install them"
  log "apt-get install ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  # RUNLEVEL=1: package scripts must not start system services (we start our own).
  RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_rust — cargo, rustfmt, clippy; Debian's toolchain as a last resort on a bare machine.
ensure_rust() {
  command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (rustup) first"
  if command -v rustup >/dev/null 2>&1; then
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt >/dev/null
  fi
  command -v cc >/dev/null 2>&1 || ensure_apt build-essential
  ensure_apt pkg-config
}

# ensure_python_tools — a virtualenv with the test services (aiosmtpd, moto) and validators.
ensure_python_tools() {
  local stamp="$PY_VENV/.ycyw-requirements" wanted
  wanted="$(cat "$ROOT/scripts/requirements-test.txt")"
  if [ -x "$PY_VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$wanted" ]; then return 0; fi
  if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then ensure_apt python3 python3-venv; fi
  log "python tools: $(tr '\n' ' ' < "$ROOT/scripts/requirements-test.txt")"
  rm -rf "$PY_VENV"
  python3 -m venv "$PY_VENV"
  "$PY_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/scripts/requirements-test.txt"
  printf '%s' "$wanted" > "$stamp"
}

# free_port — a TCP port nobody listens on.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_http URL SECONDS — polls until URL answers 2xx.
wait_http() {
  local url="$1" deadline=$((SECONDS + ${2:-60}))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.3
  done
}

mariadb_answers() { # HOST PORT
  command -v mariadb-admin >/dev/null 2>&1 && mariadb-admin --protocol=tcp -h "$1" -P "$2" -uroot ping >/dev/null 2>&1
}

# start_private_mariadb DIR PORT — a MariaDB of our own (own datadir, socket and port), started
# unless already running; root without password, reachable on 127.0.0.1 only.
start_private_mariadb() {
  local dir="$1" port="$2"
  ensure_apt mariadb-server mariadb-client
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if mariadb_answers 127.0.0.1 "$port"; then return 0; fi
  if [ ! -d "$dir/data/mysql" ]; then
    log "initialising a private MariaDB in $dir"
    mariadb-install-db --no-defaults --user="$(id -un)" --datadir="$dir/data" \
      --auth-root-authentication-method=normal --skip-test-db >"$dir/install.log" 2>&1 \
      || { cat "$dir/install.log" >&2; die "mariadb-install-db failed"; }
  fi
  log "starting MariaDB on 127.0.0.1:$port"
  local mariadbd; mariadbd="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
  # setsid: a Ctrl-C in the terminal reaches the scripts, which stop MariaDB themselves.
  setsid "$mariadbd" --no-defaults --user="$(id -un)" --datadir="$dir/data" --port="$port" \
    --bind-address=127.0.0.1 --socket="$dir/mysqld.sock" --pid-file="$dir/mysqld.pid" \
    --log-error="$dir/error.log" --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --innodb-buffer-pool-size=256M --max-connections=500 --skip-name-resolve </dev/null >/dev/null 2>&1 &
  local deadline=$((SECONDS + 60))
  until mariadb_answers 127.0.0.1 "$port"; do
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$dir/error.log" >&2; die "MariaDB did not start"; }
    sleep 0.3
  done
}

# stop_private_mariadb DIR PORT — a clean shutdown (data kept).
stop_private_mariadb() {
  mariadb-admin --protocol=tcp -h 127.0.0.1 -P "$2" -uroot shutdown >/dev/null 2>&1 || true
}

# The sqlx-cli version the .sqlx/ cache is prepared with: the workspace's sqlx version.
SQLX_CLI_VERSION=0.9.0

# ensure_sqlx_cli — `sqlx` and `cargo sqlx` at SQLX_CLI_VERSION (MySQL only, rustls).
ensure_sqlx_cli() {
  if [ "$(sqlx --version 2>/dev/null)" = "sqlx-cli $SQLX_CLI_VERSION" ]; then return 0; fi
  log "cargo install sqlx-cli $SQLX_CLI_VERSION"
  cargo install --locked sqlx-cli --version "=$SQLX_CLI_VERSION" --no-default-features --features mysql,rustls,sqlx-toml
}

# start_product WORK DB_PREFIX — the whole product on a fresh database, as the e2e and API
# conformance suites drive it: an SMTP sink writing a Maildir, the Stripe simulator (webhooks
# signed to the api), migrations and the demo catalog (`ycyw-worker seed-demo`), `ycyw-api`
# (serving the SPA of SPA_DIR when built) and `ycyw-worker run`. The binaries are built from
# this tree, or taken from E2E_BIN_DIR. Sets BIN, API_PORT, API_URL, HEALTH_PORT, MAILDIR,
# STRIPE_API_BASE and STACK_DB (the database; drop_product_db drops it) and exports what the
# binaries read; appends every pid it starts to the caller's STARTED array. Honours
# RATE_LIMIT_PER_MINUTE (default 1000), RUST_LOG (default warn) and PYTHON.
start_product() {
  local work="$1" prefix="$2"
  mkdir -p "$work"
  local url="${DATABASE_URL:-mysql://root@127.0.0.1:3306/mysql}" rest creds hostpart
  rest="${url#*://}"; creds="${rest%%@*}"; hostpart="${rest#*@}"; hostpart="${hostpart%%/*}"
  [ "$creds" = "$rest" ] && creds="root"
  STACK_DB_USER="${creds%%:*}"; STACK_DB_PASS=""; [[ "$creds" == *:* ]] && STACK_DB_PASS="${creds#*:}"
  STACK_DB_HOST="${hostpart%%:*}"; STACK_DB_PORT=3306; [[ "$hostpart" == *:* ]] && STACK_DB_PORT="${hostpart#*:}"
  STACK_DB="${prefix}_$$"
  stack_sql -e "CREATE DATABASE \`$STACK_DB\`" || die "cannot create a database on $STACK_DB_HOST:$STACK_DB_PORT"
  export DATABASE_URL="mysql://$creds@$STACK_DB_HOST:$STACK_DB_PORT/$STACK_DB"

  if [ -n "${E2E_BIN_DIR:-}" ]; then
    # Binaries built elsewhere (e.g. from a clean checkout while the tree is being changed).
    BIN="$E2E_BIN_DIR"
    local b
    for b in ycyw-api ycyw-worker stripe-sim; do [ -x "$BIN/$b" ] || die "E2E_BIN_DIR=$BIN has no $b"; done
    log "using the binaries of $BIN"
  else
    log "cargo build --bin ycyw-api --bin ycyw-worker --bin stripe-sim"
    cargo build --quiet --bin ycyw-api --bin ycyw-worker --bin stripe-sim
    # Where cargo put them (CARGO_TARGET_DIR or a shared target/ are honoured).
    BIN="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/debug"
  fi

  local py="${PYTHON:-}"
  if [ -z "$py" ]; then ensure_python_tools; py="$PY_VENV/bin/python"; fi
  MAILDIR="$work/mail-$$"; rm -rf "$MAILDIR"; mkdir -p "$MAILDIR/tmp" "$MAILDIR/new" "$MAILDIR/cur"
  local smtp_port; smtp_port="$(free_port)"
  "$py" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$MAILDIR" >"$work/smtp.log" 2>&1 &
  STARTED+=($!)

  API_PORT="$(free_port)"; HEALTH_PORT="$(free_port)"
  local sim_port; sim_port="$(free_port)"
  # Payments go to the simulator: fresh test-only keys, shared by the api, the worker and it.
  export STRIPE_SECRET_KEY="sk_test_simulator_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    STRIPE_WEBHOOK_SECRET="whsec_simulator_$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    STRIPE_API_BASE="http://127.0.0.1:$sim_port"
  "$BIN/stripe-sim" --port "$sim_port" --webhook-url "http://127.0.0.1:$API_PORT/api/v1/payments/stripe/webhooks" \
    >"$work/stripe-sim.log" 2>&1 &
  STARTED+=($!)
  wait_http "$STRIPE_API_BASE/_sim/health" 30 || { tail -n 30 "$work/stripe-sim.log" >&2; die "the Stripe simulator did not start"; }
  export APP_ENV=test PORT="$API_PORT" PUBLIC_URL="http://localhost:$API_PORT" \
    ALLOWED_ORIGINS="http://localhost:$API_PORT" JWT_SIGNING_KEY="$(head -c 36 /dev/urandom | base64 | tr -d '/+=' | head -c 48)" \
    RATE_LIMIT_PER_MINUTE="${RATE_LIMIT_PER_MINUTE:-1000}" RUN_MIGRATIONS=0 LOG_FORMAT=pretty RUST_LOG="${RUST_LOG:-warn}"
  "$BIN/ycyw-worker" migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; die "migrations failed"; }
  "$BIN/ycyw-worker" seed-demo >"$work/seed.log" 2>&1 || { cat "$work/seed.log" >&2; die "seed-demo failed"; }

  "$BIN/ycyw-api" >"$work/api.log" 2>&1 &
  STARTED+=($!)
  SMTP_URL="smtp://127.0.0.1:$smtp_port" HEALTH_PORT="$HEALTH_PORT" JOB_POLL_MILLIS=100 \
    "$BIN/ycyw-worker" run >"$work/worker.log" 2>&1 &
  STARTED+=($!)
  API_URL="http://localhost:$API_PORT"
  wait_http "http://127.0.0.1:$API_PORT/health/ready" 90 || { tail -n 30 "$work/api.log" >&2; die "ycyw-api did not become ready"; }
  wait_http "http://127.0.0.1:$HEALTH_PORT/health/ready" 90 || { tail -n 30 "$work/worker.log" >&2; die "the worker did not become ready"; }
}

# stack_sql ARGS… — the mariadb client on start_product's server.
stack_sql() {
  mariadb --protocol=tcp -h "$STACK_DB_HOST" -P "$STACK_DB_PORT" -u "$STACK_DB_USER" ${STACK_DB_PASS:+-p"$STACK_DB_PASS"} "$@"
}

# drop_product_db — drops start_product's database, if it made one.
drop_product_db() {
  if [ -n "${STACK_DB:-}" ]; then stack_sql -e "DROP DATABASE IF EXISTS \`$STACK_DB\`" >/dev/null 2>&1 || true; fi
}
