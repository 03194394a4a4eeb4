//! `ycyw-worker`: consumes the job queue and carries the ops command line (DESIGN §7).
//!
//! The worker holds no business handler: every module brings its own through the Module seam
//! (`ycyw_shared::module::Module::work`), and the worker registers what the modules of
//! [`ycyw_api::modules`] bring. [`worker::Worker`] claims jobs and runs the handler of their
//! kind; [`worker::Worker::execute_next`] runs exactly one, so tests drive the queue without
//! sleeping. [`schedules::Scheduler`] enqueues the modules' periodic jobs. [`retention`] runs
//! the modules' retention parts: the daily purge and housekeeping, and `purge-retention`.
//!
//! The queue is the `jobs` table (`QUEUE=db`) or SQS (`QUEUE=sqs`: the worker also runs the
//! outbox relay); [`metrics`] logs what the queue does. The ops commands of [`cli`] (`jobs list`,
//! `jobs retry`) work on either.

pub mod cli;
pub mod metrics;
pub mod noop;
pub mod retention;
pub mod schedules;
pub mod seed_demo;
pub mod settings;
pub mod worker;
