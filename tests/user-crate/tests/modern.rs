//! The documented gated declaration (`SwiGlu`) and learnable ones (`PRelu`, and `SwishBeta`'s
//! beta) declared in this crate, against mpmath (data: `scripts/gen_reference.py gated`), with
//! act-core's criterion: values, both partials and the parameter partials within 4 ULP of the
//! exact value, f32 and f64, |x| up to the largest float; near the interior root of `∂f/∂a`,
//! absolute `8 eps · |b|`.
//!
//! ```text
//! cargo test --manifest-path tests/user-crate/Cargo.toml --test modern -- --nocapture
//! ```

#[path = "../../../act-core/tests/harness/mod.rs"]
mod common;

const DATA_SUBDIR: &str = "tests/data";
const MIN_POINTS: usize = 500;

use act_user_crate::{SwishBeta, design};
use common::pairs::*;
use common::*;

#[test]
fn declared_gated_and_learnable_activations_match_mpmath() {
    let mut failures = String::new();
    for_each_isa(|isa| {
        let mut all = Vec::new();
        all.extend(check_gated::<design::SwiGlu, f32>(false));
        all.extend(check_gated::<design::SwiGlu, f64>(false));
        all.extend(check_params::<design::PRelu, f32>());
        all.extend(check_params::<design::PRelu, f64>());
        all.extend(check_params::<SwishBeta, f32>());
        all.extend(check_params::<SwishBeta, f64>());
        println!(
            "\nUser crate, gated and learnable, {isa:?} build:\n{}",
            render(&all)
        );
        let f = failures_report(&all);
        if !f.is_empty() {
            failures += &format!("{isa:?} build:\n{f}");
        }
    });
    assert!(failures.is_empty(), "accuracy failures:\n{failures}");
}
