use std::io::Write;
use std::sync::{Arc, Mutex};

use tracing_subscriber::fmt::MakeWriter;
use ycyw_shared::config::LogFormat;
use ycyw_shared::telemetry;

/// Captures what the production subscriber (masking included) writes while the guard lives, on
/// the current thread (use a current-thread runtime).
#[derive(Clone, Default)]
pub struct LogCapture(Arc<Mutex<Vec<u8>>>);

/// Keeps the capturing subscriber installed.
pub struct CaptureGuard(#[allow(dead_code)] tracing::subscriber::DefaultGuard);

impl LogCapture {
    /// Installs the subscriber of `format` writing here.
    pub fn install(format: LogFormat) -> (Self, CaptureGuard) {
        let capture = LogCapture::default();
        let guard = tracing::subscriber::set_default(telemetry::subscriber(format, capture.clone()));
        (capture, CaptureGuard(guard))
    }

    /// Everything written so far.
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned()
    }
}

/// One event's writer.
pub struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogCapture {
    type Writer = CaptureWriter;

    fn make_writer(&'a self) -> Self::Writer {
        CaptureWriter(self.0.clone())
    }
}
