//! Properties of every built-in at random inputs: values lie in `range()`, a monotonic
//! activation's derivative is never negative, and the bounds match `properties()`.

use act_core::prelude::*;
use proptest::prelude::*;

fn check<A: Elementwise>(a: A, x: f64) -> Result<(), TestCaseError> {
    let y = a.forward(x);
    let r = a.range();
    // At the extremes of f64 a value may round onto an open bound (sigmoid(40) == 1.0).
    let inside = r.contains(y) || y == r.min() || y == r.max();
    prop_assert!(inside, "{}({x}) = {y} is outside {r}", A::NAME);
    let p = a.properties();
    let d = a.derivative(x);
    if p.monotonic {
        prop_assert!(d >= 0.0, "{} is monotonic but f'({x}) = {d}", A::NAME);
    }
    prop_assert_eq!(p.bounded_below, r.min().is_finite(), "{}", A::NAME);
    prop_assert_eq!(p.bounded_above, r.max().is_finite(), "{}", A::NAME);
    Ok(())
}

/// Inputs spread over the whole line: mostly moderate, sometimes huge.
fn input() -> impl Strategy<Value = f64> {
    prop_oneof![4 => -20.0f64..20.0, 1 => -1e300f64..1e300, 1 => -1e-300f64..1e-300]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn values_in_range_and_monotonic_derivatives(x in input()) {
        macro_rules! check_elementwise {
            (elementwise: [$($e:ident),*], vector: [$($v:ident),*]) => {
                $(check($e::default(), x)?;)*
            };
        }
        act_core::__for_each_builtin!(check_elementwise);
    }


    #[test]
    fn softmax_outputs_lie_in_its_range_and_sum_to_one(xs in prop::collection::vec(-50.0f64..50.0, 1..40)) {
        let mut y = vec![0.0; xs.len()];
        Softmax.forward_slice(&xs, &mut y);
        let r = Softmax.range();
        for &v in &y {
            prop_assert!(r.contains(v) || v == 0.0 || v == 1.0, "{v} outside {r}");
        }
        let sum: f64 = y.iter().sum();
        prop_assert!((sum - 1.0).abs() <= xs.len() as f64 * f64::EPSILON);
    }
}

proptest! {
    // Fewer cases: away from the defaults, `range()` and `properties()` run the analysis
    // (tests/params.rs covers random parameters of every sign in depth).
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn parametric_ranges_follow_the_parameters(alpha in 0.01f64..5.0, x in input()) {
        check(Elu::new(alpha), x)?;
        check(LeakyRelu::new(alpha), x)?;
        prop_assert_eq!(Elu::new(alpha).range().min(), -alpha);
    }
}
