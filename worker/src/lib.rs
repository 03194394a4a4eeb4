//! `ycyw-worker`: consumes the job queue and carries the ops command line (DESIGN §7).
//!
//! [`worker::Worker`] claims jobs and runs the [`handlers::JobHandler`] of their kind;
//! [`worker::Worker::execute_next`] runs exactly one, so tests drive the queue without sleeping.

pub mod cli;
pub mod handlers;
pub mod settings;
pub mod worker;
