//! The built-in activations.
