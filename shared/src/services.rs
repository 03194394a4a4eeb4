//! What modules give each other at run time, beyond their facades: a module whose rule another
//! must consult, without the other depending on it, provides an implementation of a trait the
//! consulting module defines (the catalog defines `FleetGuard`; reservations provides it).
//! Each linked module's [`Module::provide`](crate::module::Module::provide) fills [`Services`]
//! once at start; the state carries them; the consulting module looks its trait object up by type.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// A map from a type to the one value of that type provided (typically an `Arc<dyn Trait>`).
#[derive(Default, Clone)]
pub struct Services(HashMap<TypeId, Arc<dyn Any + Send + Sync>>);

impl Services {
    /// Provides `value`, replacing any earlier value of its type.
    pub fn provide<T: Any + Send + Sync>(&mut self, value: T) {
        self.0.insert(TypeId::of::<T>(), Arc::new(value));
    }

    /// The value of type `T`, when some module provided one.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.0.get(&TypeId::of::<T>()).and_then(|value| value.downcast_ref::<T>())
    }

    /// How many values are provided.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Services {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Services").field("provided", &self.0.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    trait Greeter: Send + Sync {
        fn greet(&self) -> &'static str;
    }

    struct Hello;

    impl Greeter for Hello {
        fn greet(&self) -> &'static str {
            "hello"
        }
    }

    #[test]
    fn a_provided_trait_object_is_found_by_its_type() {
        let mut services = Services::default();
        assert!(services.get::<Arc<dyn Greeter>>().is_none());
        services.provide::<Arc<dyn Greeter>>(Arc::new(Hello));
        assert_eq!(services.get::<Arc<dyn Greeter>>().map(|g| g.greet()), Some("hello"));
        assert!(services.get::<u32>().is_none());
        assert_eq!(services.len(), 1);
    }
}
