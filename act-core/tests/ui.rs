//! Compile-fail tests of `activation!`: each `tests/ui/*.rs` must fail to compile with exactly
//! the committed `.stderr` (span and message). Regenerate after an intended change with
//! `TRYBUILD=overwrite cargo test -p act-core --test ui` and review the diff.
//!
//! Not with the features `rayon` or `ndarray`: rustc's "a method with a similar name"
//! suggestions then name their methods (`backward_axis`), so the expected output depends on
//! the features. The default build and the workspace's (with `half`, which adds no method)
//! run these cases.
#![cfg(not(any(feature = "rayon", feature = "ndarray")))]

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
