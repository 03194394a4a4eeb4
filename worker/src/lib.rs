//! `ycyw-worker`: consumes the job queue and carries the ops command line (DESIGN §7).
//!
//! The worker holds no business handler: every module brings its own through the Module seam
//! (`ycyw_shared::module::Module::work`), and the worker registers what the modules of
//! [`ycyw_api::modules`] bring. [`worker::Worker`] claims jobs and runs the handler of their
//! kind; [`worker::Worker::execute_next`] runs exactly one, so tests drive the queue without
//! sleeping. [`schedules::Scheduler`] enqueues the modules' periodic jobs.

pub mod cli;
pub mod schedules;
pub mod seed_demo;
pub mod settings;
pub mod worker;
