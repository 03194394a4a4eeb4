//! The module's own settings, read from the environment (docs/operations.md lists them).

use std::time::Duration;

use ycyw_shared::config::{ConfigError, Settings};

/// What support reads besides the shared settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportSettings {
    /// `SUPPORT_EMAIL`: where contact-form notifications go.
    pub support_email: String,
    /// `WS_IDLE_TIMEOUT_SECONDS`: a socket that sends nothing (not even a pong) for this long is
    /// closed.
    pub idle_timeout: Duration,
    /// `WS_PING_SECONDS`: how often the server pings a quiet socket.
    pub ping_every: Duration,
    /// `WS_SEND_BUFFER`: frames queued for one socket before it counts as too slow and is closed.
    pub send_buffer: usize,
}

impl Default for SupportSettings {
    fn default() -> Self {
        Self {
            support_email: "support@ycyw.test".into(),
            idle_timeout: Duration::from_secs(60),
            ping_every: Duration::from_secs(20),
            send_buffer: 256,
        }
    }
}

impl SupportSettings {
    /// From where the process's settings come from (the environment, or a test's map).
    pub fn from_settings(settings: &Settings) -> Result<Self, ConfigError> {
        Self::from_lookup(|key| settings.var(key))
    }

    /// From `lookup`; errors name the variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let get = |key: &str| lookup(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let number = |key: &'static str, min: u64, max: u64, default: u64| -> Result<u64, ConfigError> {
            match get(key) {
                None => Ok(default),
                Some(raw) => match raw.parse::<u64>() {
                    Ok(n) if (min..=max).contains(&n) => Ok(n),
                    _ => Err(ConfigError::Invalid { key, reason: format!("not a whole number between {min} and {max}") }),
                },
            }
        };
        let support_email = match get("SUPPORT_EMAIL") {
            None => defaults.support_email,
            Some(raw) => ycyw_shared::domain::Email::parse(&raw)
                .map(|e| e.as_str().to_string())
                .map_err(|_| ConfigError::Invalid { key: "SUPPORT_EMAIL", reason: "not an email address".into() })?,
        };
        let idle = number("WS_IDLE_TIMEOUT_SECONDS", 5, 3600, defaults.idle_timeout.as_secs())?;
        let ping = number("WS_PING_SECONDS", 1, 3600, defaults.ping_every.as_secs())?;
        if ping >= idle {
            return Err(ConfigError::Invalid { key: "WS_PING_SECONDS", reason: "must be shorter than WS_IDLE_TIMEOUT_SECONDS".into() });
        }
        let buffer = number("WS_SEND_BUFFER", 8, 65_536, defaults.send_buffer as u64)?;
        Ok(Self {
            support_email,
            idle_timeout: Duration::from_secs(idle),
            ping_every: Duration::from_secs(ping),
            send_buffer: usize::try_from(buffer).unwrap_or(defaults.send_buffer),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Result<SupportSettings, ConfigError> {
        SupportSettings::from_lookup(|key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn defaults_and_overrides() {
        assert_eq!(settings(&[]).unwrap(), SupportSettings::default());
        let s = settings(&[
            ("SUPPORT_EMAIL", "Help@Example.com"),
            ("WS_IDLE_TIMEOUT_SECONDS", "30"),
            ("WS_PING_SECONDS", "10"),
            ("WS_SEND_BUFFER", "64"),
        ])
        .unwrap();
        assert_eq!(
            (s.support_email.as_str(), s.idle_timeout.as_secs(), s.ping_every.as_secs(), s.send_buffer),
            ("help@example.com", 30, 10, 64)
        );
    }

    #[test]
    fn bad_values_name_their_variable() {
        let key = |pairs: &[(&str, &str)]| match settings(pairs) {
            Err(ConfigError::Invalid { key, .. }) => key,
            other => panic!("{other:?}"),
        };
        assert_eq!(key(&[("SUPPORT_EMAIL", "nobody")]), "SUPPORT_EMAIL");
        assert_eq!(key(&[("WS_IDLE_TIMEOUT_SECONDS", "2")]), "WS_IDLE_TIMEOUT_SECONDS");
        assert_eq!(key(&[("WS_PING_SECONDS", "60")]), "WS_PING_SECONDS", "not shorter than the idle timeout");
        assert_eq!(key(&[("WS_SEND_BUFFER", "lots")]), "WS_SEND_BUFFER");
    }
}
