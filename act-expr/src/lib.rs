//! Formula engine of act.
