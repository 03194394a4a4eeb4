//! The Module seam (DESIGN §2): each function crate implements [`Module`] once — its name, the
//! secrets and settings it needs, its routes with their OpenAPI, its job handlers and schedules,
//! its part in account export and deletion and in the retention purge, and what it does at
//! shutdown. A [`Deployable`] is the list of modules one binary links;
//! [`runtime::serve`](crate::runtime::serve), the `api` binary and the worker only iterate it, so
//! adding a module never edits shared runtime code.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use utoipa_axum::router::OpenApiRouter;

use crate::account::{AccountPart, AccountParts};
use crate::auth::SubjectGuard;
use crate::config::{ConfigError, SecretKey, Settings};
use crate::health::ReadinessCheck;
use crate::jobs::{JobHandlers, Schedule};
use crate::retention::{RetentionPart, RetentionParts};
use crate::services::Services;
use crate::state::AppState;

/// What a process does with a module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duty {
    /// Serve its HTTP routes (a function, the `api` binary).
    Http,
    /// Run its jobs and schedules (the worker).
    Work,
}

/// Runs once when the process stops (SIGTERM), before in-flight requests drain: e.g. closing
/// WebSockets with 1001.
pub type ShutdownHook = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// What a module's router is built for. Each operation's OpenAPI description (its parameters,
/// responses and every schema they reach) is built by utoipa's `routes!` when the router is, and
/// a router built to serve drops it; building it was the largest part of a function's start-up
/// (docs/benchmarks.md, "Start-up and memory"). So a module builds its router once for each use
/// from one list of operations, with [`routes!`](crate::routes): to serve ([`Module::routes`]:
/// each handler at its documented path and methods, nothing else) or to describe
/// ([`Module::openapi`]: the whole description).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// The handlers at their paths and methods; an empty description of each operation.
    Serve,
    /// The full description, as `utoipa_axum::routes!` builds it.
    Describe,
}

/// `routes!(build; handler, …)`: `utoipa_axum::routes!(handler, …)` for [`Build::Describe`];
/// for [`Build::Serve`] the same handlers at the same path and methods (read from the
/// `#[utoipa::path]` of each) without building their description. The caller's crate depends
/// on `axum`, `utoipa` and `utoipa-axum`, as every module does.
///
/// ```ignore
/// fn api(build: Build) -> OpenApiRouter<AppState> {
///     OpenApiRouter::new().routes(ycyw_shared::routes!(build; get_agency::get_agency, update_agency::update_agency))
/// }
/// ```
#[macro_export]
macro_rules! routes {
    // Each handler as raw tokens (`module::handler`): a `$handler:path` fragment would reach
    // utoipa_axum's macro opaque, and its helper arms split the path into its segments.
    ($build:expr; $($head:ident $(:: $tail:ident)*),+ $(,)?) => {
        match $build {
            $crate::module::Build::Describe => ::utoipa_axum::routes!($($head $(:: $tail)*),+),
            $crate::module::Build::Serve => {
                use ::utoipa_axum::PathItemExt as _;
                let mut paths = ::utoipa::openapi::path::Paths::new();
                let router = ::axum::routing::MethodRouter::new();
                $(
                    let path = ::utoipa_axum::routes!(@path [path()] of $head $(:: $tail)*);
                    let methods = ::utoipa_axum::routes!(@path [methods()] of $head $(:: $tail)*);
                    let router = methods.iter().fold(router, |router, method| router.on(method.to_method_filter(), $head $(:: $tail)*));
                    paths.add_path_operation(&path, methods, ::utoipa::openapi::path::Operation::new());
                )+
                (::std::vec::Vec::new(), paths, router)
            }
        }
    };
}

/// What a module serves, built by its HTTP set-up.
pub struct Routes {
    /// The routes, relative to `/api/v1` (built with [`Build::Serve`]: paths and methods, no
    /// description; the document comes from [`Module::openapi`]), with the module's own
    /// state already applied.
    pub api: OpenApiRouter,
    /// Hooks to run at shutdown.
    pub shutdown: Vec<ShutdownHook>,
    /// What `/health/ready` asks besides the database (e.g. support's Redis).
    pub readiness: Vec<Arc<dyn ReadinessCheck>>,
}

impl Routes {
    /// Routes without shutdown hooks.
    pub fn new(api: OpenApiRouter) -> Self {
        Self { api, shutdown: Vec::new(), readiness: Vec::new() }
    }

    /// No routes.
    pub fn none() -> Self {
        Self::new(OpenApiRouter::new())
    }

    /// Adds readiness checks.
    pub fn with_readiness(mut self, checks: impl IntoIterator<Item = Arc<dyn ReadinessCheck>>) -> Self {
        self.readiness.extend(checks);
        self
    }

    /// Adds a shutdown hook.
    pub fn on_shutdown<F, Fut>(mut self, hook: F) -> Self
    where
        F: FnOnce() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.shutdown.push(Box::new(move || Box::pin(hook())));
        self
    }
}

/// What a module runs in the worker, built by its worker set-up.
#[derive(Debug, Clone, Default)]
pub struct Work {
    /// Its job handlers, by kind.
    pub jobs: JobHandlers,
    /// Its periodic jobs.
    pub schedules: Vec<Schedule>,
}

/// One business module, as every deployable sees it.
#[async_trait]
pub trait Module: Send + Sync + std::fmt::Debug {
    /// Short name (`auth`, `catalog`, …): logs, errors and [`Deployable::serving`].
    fn name(&self) -> &'static str;

    /// The secrets this module needs for `duty`. In production a missing one stops the process
    /// at start-up, naming the key.
    fn secrets(&self, duty: Duty) -> &'static [SecretKey] {
        let _ = duty;
        &[]
    }

    /// Checks the module's plain settings for `duty` before anything connects (errors name the
    /// setting, never a secret's value).
    fn check(&self, settings: &Settings, duty: Duty) -> Result<(), ConfigError> {
        let _ = (settings, duty);
        Ok(())
    }

    /// HTTP set-up: builds the module's state (connections, background tasks) and its routes.
    async fn routes(&self, state: &AppState) -> anyhow::Result<Routes> {
        let _ = state;
        Ok(Routes::none())
    }

    /// The description of its HTTP operations (paths relative to `/api/v1`), built without any
    /// state or connection. Every deployable serves the whole product's document at
    /// `/api/v1/openapi.json`, whatever it serves, so one route answers for all in AWS. Build it
    /// from the same router as [`Module::routes`] (functions/api/tests/app.rs compares them in every deployable).
    fn openapi(&self) -> Option<utoipa::openapi::OpenApi> {
        None
    }

    /// Worker set-up: the module's job handlers and schedules.
    async fn work(&self, state: &AppState) -> anyhow::Result<Work> {
        let _ = state;
        Ok(Work::default())
    }

    /// Its part in exporting and erasing an account. Needs only the database: every deployable
    /// registers it, whether it serves the module or not.
    fn account(&self) -> Option<Arc<dyn AccountPart>> {
        None
    }

    /// Its part in the retention purge and the housekeeping (DESIGN §8, docs/retention.md): the
    /// personal data it keeps for a limited time, its expired technical rows. Needs only the
    /// database: every deployable registers it, whether it serves the module or not. A module
    /// whose rows are only detached when their account is anonymised (reservations) has none:
    /// its [`AccountPart`] does that.
    fn retention(&self) -> Option<Arc<dyn RetentionPart>> {
        None
    }

    /// The guard telling whether a token's subject may still act (the module that owns
    /// accounts gives it; every deployable links that module, so every one refuses deleted
    /// accounts).
    fn subjects(&self, state: &AppState) -> Option<Arc<dyn SubjectGuard>> {
        let _ = state;
        None
    }

    /// What it provides the modules it does not know (see [`Services`]): called for every linked
    /// module, served or not, once at start.
    fn provide(&self, state: &AppState, services: &mut Services) {
        let _ = (state, services);
    }
}

/// The modules one binary links, and which of them it serves.
#[derive(Debug, Clone)]
pub struct Deployable {
    name: &'static str,
    modules: Vec<Arc<dyn Module>>,
    served: Option<Vec<&'static str>>,
}

/// A deployable names a module it does not link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{deployable} serves {module}, which it does not link")]
pub struct UnknownModule {
    /// The deployable.
    pub deployable: &'static str,
    /// The missing module.
    pub module: &'static str,
}

impl Deployable {
    /// `name` linking `modules`, serving all of them.
    pub fn new(name: &'static str, modules: Vec<Arc<dyn Module>>) -> Self {
        Self { name, modules, served: None }
    }

    /// A deployable of one module alone.
    pub fn of(module: impl Module + 'static) -> Self {
        let module: Arc<dyn Module> = Arc::new(module);
        Self::new(module.name(), vec![module])
    }

    /// The same modules, serving only those named (their routes, jobs, secrets); the others
    /// still take part in account export and deletion.
    pub fn serving(mut self, names: &[&'static str]) -> Result<Self, UnknownModule> {
        if let Some(module) = names.iter().find(|name| !self.modules.iter().any(|m| m.name() == **name)) {
            return Err(UnknownModule { deployable: self.name, module });
        }
        self.served = Some(names.to_vec());
        Ok(self)
    }

    /// The binary's name (for logs).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The modules served.
    pub fn served(&self) -> impl Iterator<Item = &Arc<dyn Module>> {
        self.modules.iter().filter(|m| self.served.as_ref().is_none_or(|names| names.contains(&m.name())))
    }

    /// The secrets the served modules need for `duty`, each once.
    pub fn secrets(&self, duty: Duty) -> Vec<SecretKey> {
        let mut keys: Vec<SecretKey> = Vec::new();
        for key in self.served().flat_map(|m| m.secrets(duty).iter().copied()) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        keys
    }

    /// Loads the settings and the secrets the served modules need for `duty`, and runs their
    /// checks: in production, the first missing key stops the start.
    pub async fn settings(&self, duty: Duty) -> Result<Settings, ConfigError> {
        let settings = Settings::load(&self.secrets(duty)).await?;
        self.check(&settings, duty)?;
        Ok(settings)
    }

    /// Runs the served modules' checks of `settings`.
    pub fn check(&self, settings: &Settings, duty: Duty) -> Result<(), ConfigError> {
        self.served().try_for_each(|m| m.check(settings, duty))
    }

    /// The account parts of every linked module.
    pub fn account_parts(&self) -> AccountParts {
        self.modules.iter().filter_map(|m| m.account()).collect::<Vec<_>>().into()
    }

    /// The retention parts of every linked module, in the modules' order.
    pub fn retention_parts(&self) -> RetentionParts {
        self.modules.iter().filter_map(|m| m.retention()).collect::<Vec<_>>().into()
    }

    /// The subject guard of the first linked module that has one.
    pub fn subjects(&self, state: &AppState) -> Option<Arc<dyn SubjectGuard>> {
        self.modules.iter().find_map(|m| m.subjects(state))
    }

    /// `state` with what every linked module gives the others: account parts, the subject guard
    /// and the provided [`Services`]. Every process start goes through this.
    pub fn wire(&self, state: AppState) -> AppState {
        let state = state.with_account_parts(self.account_parts());
        let subjects = self.subjects(&state);
        let state = state.with_subjects(subjects);
        let mut services = Services::default();
        for module in &self.modules {
            module.provide(&state, &mut services);
        }
        state.with_services(services)
    }

    /// The operations of every module it links, served or not (paths relative to `/api/v1`).
    pub fn openapi(&self) -> utoipa::openapi::OpenApi {
        let mut document = utoipa::openapi::OpenApi::default();
        for part in self.modules.iter().filter_map(|m| m.openapi()) {
            document.merge(part);
        }
        document
    }

    /// Sets up the served modules for HTTP: their routes merged, and their shutdown hooks.
    pub async fn routes(&self, state: &AppState) -> anyhow::Result<Routes> {
        let mut all = Routes::none();
        for module in self.served() {
            let routes = module.routes(state).await.map_err(|e| e.context(format!("setting up module {}", module.name())))?;
            all.api = all.api.merge(routes.api);
            all.shutdown.extend(routes.shutdown);
            all.readiness.extend(routes.readiness);
        }
        Ok(all)
    }

    /// Sets up the served modules for the worker: every handler and schedule.
    pub async fn work(&self, state: &AppState) -> anyhow::Result<Work> {
        let mut all = Work::default();
        for module in self.served() {
            let work = module.work(state).await.map_err(|e| e.context(format!("setting up module {}", module.name())))?;
            all.jobs.merge(work.jobs)?;
            all.schedules.extend(work.schedules);
        }
        Ok(all)
    }
}
