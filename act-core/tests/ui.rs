//! Compile-fail tests of `activation!`: each `tests/ui/*.rs` must fail to compile with exactly
//! the committed `.stderr` (span and message). Regenerate after an intended change with
//! `TRYBUILD=overwrite cargo test -p act-core --test ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
