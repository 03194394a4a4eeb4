//! Why a value was refused ([`InvalidValue`]), and the collector that gathers a request's
//! mistakes under their field names so the client hears about all of them at once
//! ([`FieldErrors`], a 422 `validation_failed`).

use std::fmt;

use crate::error::{ApiError, FieldError};

/// Why a value was refused: a stable code (API.md: `invalid`, `required`, `unknown_category`, …)
/// and an English explanation. Parsers return it without knowing the field; it becomes a
/// [`FieldError`] once the field is known ([`InvalidValue::at`], [`FieldErrors::check`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct InvalidValue {
    /// Stable code.
    pub code: &'static str,
    /// Explanation.
    pub message: String,
}

impl InvalidValue {
    /// A refusal with its own code.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    /// Code `invalid`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new("invalid", message)
    }

    /// Code `required`.
    pub fn required(message: impl Into<String>) -> Self {
        Self::new("required", message)
    }

    /// The field error of `field` (camelCase path, e.g. `address.postalCode`).
    pub fn at(self, field: impl Into<String>) -> FieldError {
        FieldError::new(field, self.code, self.message)
    }
}

/// The field errors of one request, in the order they were found. Collect with
/// [`check`](Self::check) (one value) and [`merge`](Self::merge) (a composite such as an
/// address), then [`finish`](Self::finish): the collector is also the error, and turns into
/// [`ApiError::Unprocessable`].
///
/// ```
/// use ycyw_shared::domain::{Email, FieldErrors, Phone};
/// let mut errors = FieldErrors::new();
/// let email = errors.check("email", Email::parse("ana@example.com"));
/// let phone = errors.check("phone", Phone::parse("12"));
/// assert!(email.is_some() && phone.is_none());
/// let refused = errors.finish().unwrap_err();
/// assert_eq!(refused.as_slice()[0].field, "phone");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// No error yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the value, or records its error under `field`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, InvalidValue>) -> Option<T> {
        result.map_err(|e| self.0.push(e.at(field))).ok()
    }

    /// Keeps the value, or records all its errors (which name their own fields).
    pub fn merge<T>(&mut self, result: Result<T, FieldErrors>) -> Option<T> {
        result.map_err(|e| self.0.extend(e.0)).ok()
    }

    /// Records an error.
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The errors recorded.
    pub fn as_slice(&self) -> &[FieldError] {
        &self.0
    }

    /// The errors recorded, to move them elsewhere.
    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(())` when nothing was recorded, the collector as the error otherwise.
    pub fn finish(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<FieldError> for FieldErrors {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}

impl Extend<FieldError> for FieldErrors {
    fn extend<I: IntoIterator<Item = FieldError>>(&mut self, errors: I) {
        self.0.extend(errors);
    }
}

impl IntoIterator for FieldErrors {
    type Item = FieldError;
    type IntoIter = std::vec::IntoIter<FieldError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<&str> = self.0.iter().map(|e| e.field.as_str()).collect();
        write!(f, "invalid fields: {}", fields.join(", "))
    }
}

impl std::error::Error for FieldErrors {}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Unprocessable(errors.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_their_order_and_become_a_422() {
        let mut errors = FieldErrors::new();
        assert_eq!(errors.check("a", Ok::<_, InvalidValue>(1)), Some(1));
        assert_eq!(errors.check::<()>("b", Err(InvalidValue::required("needed"))), None);
        let nested: Result<(), FieldErrors> = Err(InvalidValue::invalid("bad").at("c.d").into());
        assert_eq!(errors.merge(nested), None);
        errors.push(FieldError::new("e", "taken", "used"));
        let fields: Vec<(&str, &str)> = errors.as_slice().iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(fields, [("b", "required"), ("c.d", "invalid"), ("e", "taken")]);
        assert_eq!(errors.to_string(), "invalid fields: b, c.d, e");
        let api = ApiError::from(errors.finish().unwrap_err());
        assert_eq!((api.status().as_u16(), api.code()), (422, "validation_failed"));
        assert_eq!(FieldErrors::new().finish(), Ok(()));
    }
}
