//! Logging. Every line goes through [`MaskingWriter`], which redacts email addresses, tokens,
//! keys and the values of sensitive fields, whatever event produced it: personal data and
//! secrets cannot reach the logs even when a careless event includes them.

use std::io::{self, Write};
use std::sync::LazyLock;

use regex::Regex;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::LogFormat;

/// The default filter when `RUST_LOG` is unset.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_http=info,aws_config=warn,aws_smithy_runtime=warn,hyper=warn,lettre=warn";

/// Field and key names whose values are never logged.
const SENSITIVE_NAMES: &str = r"password|new_?password|current_?password|passwd|secret|token|access_?token|refresh_?token|id_?token|ticket|authorization|cookie|set-cookie|ycyw_refresh|api_?key|credential|first_?name|last_?name|full_?name|phone|birth_?date|address|line1|line2|postal_?code|iban|card|cvc|body";

struct Rule {
    pattern: Regex,
    replacement: &'static str,
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let rule = |pattern: &str, replacement: &'static str| Rule {
        pattern: Regex::new(pattern).unwrap_or_else(|e| panic!("masking pattern {pattern}: {e}")),
        replacement,
    };
    vec![
        rule(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*", "[jwt]"),
        rule(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+", "${1} [redacted]"),
        // key=value, "key":"value" and their JSON-escaped forms, for sensitive keys.
        rule(
            &format!(
                r#"(?i)(\\?"?\b(?:{SENSITIVE_NAMES})\b\\?"?\s*[:=]\s*)(?:\w+\()?(?:\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|[^\s,;}}&"\\)]+)\)?"#
            ),
            "${1}[redacted]",
        ),
        rule(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9]+|\bAKIA[0-9A-Z]{16}\b", "[secret]"),
        rule(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", "[email]"),
        rule(r"(?i)(mysql|smtps?|redis)://[^:@/\s]*:[^@/\s]+@", "${1}://[credentials]@"),
    ]
});

/// Redacts personal data and secrets from one chunk of log output.
pub fn mask(line: &str) -> String {
    RULES.iter().fold(line.to_string(), |acc, rule| rule.pattern.replace_all(&acc, rule.replacement).into_owned())
}

/// Wraps a writer: buffers one event's output and writes it masked.
pub struct MaskingWriter<W: Write> {
    inner: W,
    buffer: Vec<u8>,
}

impl<W: Write> Write for MaskingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buffer.is_empty() {
            let masked = mask(&String::from_utf8_lossy(&self.buffer));
            self.buffer.clear();
            self.inner.write_all(masked.as_bytes())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for MaskingWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// A [`MakeWriter`] whose writers mask what they write.
#[derive(Debug, Clone)]
pub struct Masking<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Masking<M> {
    type Writer = MaskingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        MaskingWriter { inner: self.0.make_writer(), buffer: Vec::with_capacity(512) }
    }
}

/// The subscriber of a process: `RUST_LOG` (or [`DEFAULT_FILTER`]), JSON or pretty, masked,
/// written to `writer`.
pub fn subscriber<W>(format: LogFormat, writer: W) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    match format {
        LogFormat::Json => Box::new(
            registry.with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_ansi(false)
                    .with_writer(Masking(writer)),
            ),
        ),
        LogFormat::Pretty => {
            Box::new(registry.with(tracing_subscriber::fmt::layer().with_target(true).with_ansi(false).with_writer(Masking(writer))))
        }
    }
}

/// Installs the process-wide subscriber, writing to stderr. Safe to call twice (the second call
/// is ignored).
pub fn init(format: LogFormat) {
    let _ = subscriber(format, io::stderr).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_personal_data_and_secrets_in_every_shape() {
        let cases = [
            (
                r#"{"email":"ana.silva@example.com","password":"correct horse battery"}"#,
                &["ana.silva@example.com", "correct horse battery"][..],
            ),
            (r#"body="{\"password\":\"hunter2hunter2\",\"note\":1}""#, &["hunter2hunter2"][..]),
            ("authorization: Bearer abc.def-ghi", &["abc.def-ghi"][..]),
            ("token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig123", &["eyJhbGciOiJIUzI1NiJ9"][..]),
            ("key sk_live_abc123 and whsec_abcdef123", &["sk_live_abc123", "whsec_abcdef123"][..]),
            ("db mysql://app:s3cr3t@db.internal:3306/ycyw", &["s3cr3t"][..]),
            ("first_name=Ana last_name=\"Silva\" phone=+33612345678", &["Ana", "Silva", "+33612345678"][..]),
            ("cookie: ycyw_refresh=Zm9vYmFy", &["Zm9vYmFy"][..]),
        ];
        for (line, secrets) in cases {
            let masked = mask(line);
            for secret in secrets {
                assert!(!masked.contains(secret), "{secret:?} survived in {masked:?}");
            }
        }
    }

    #[test]
    fn leaves_ordinary_fields_alone() {
        let line = r#"status=404 method=POST path=/api/v1/auth/sessions request_id=0192f1c4-7d1e-7c3a-9a6b-1d2e3f4a5b6c latency_ms=3"#;
        assert_eq!(mask(line), line);
    }
}
