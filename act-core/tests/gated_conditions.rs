//! The parameter checks of gated declarations, the same as the elementwise ones': `where`
//! conditions, `CONDITIONS`, `set_param`, `set_params` (values checked together),
//! `check_params`, `try_new`, the panicking `new`, and `DynGated`'s `set_params` and
//! `conditions`.

use act_core::ParamError;
use act_core::prelude::*;

activation! {
    /// A gate that clamps `a` to `[lo, hi]` and scales it by `b`.
    pub gated struct ClampGate(lo = -1.0, hi = 1.0);
    f(a, b) = clamp(a, lo, hi) * b;
    where lo < hi;
}

activation! {
    /// SwiGLU with a sharpness `beta`, which must be positive and not above `cap`.
    pub gated struct SharpGate(beta = 1.0, cap = 4.0);
    f(a, b) = a * sigmoid(beta * a) * b;
    where beta > 0, beta <= cap;
}

fn invalid(condition: &'static str, params: &[(&'static str, f64)]) -> ParamError {
    ParamError::Invalid {
        condition,
        params: params.to_vec(),
    }
}

#[test]
fn conditions_are_listed_as_declared() {
    assert_eq!(ClampGate::CONDITIONS, ["lo < hi"]);
    assert_eq!(SharpGate::CONDITIONS, ["beta > 0", "beta <= cap"]);
    assert!(SwiGlu::CONDITIONS.is_empty());
    assert_eq!(
        act_core::DynGated::conditions(&ClampGate::default()),
        ["lo < hi"]
    );
}

#[test]
fn try_new_says_which_condition_fails() {
    assert_eq!(ClampGate::try_new(-2.0, 3.0), Ok(ClampGate::new(-2.0, 3.0)));
    assert_eq!(
        ClampGate::try_new(2.0, 2.0),
        Err(invalid("lo < hi", &[("lo", 2.0), ("hi", 2.0)]))
    );
    assert_eq!(
        SharpGate::try_new(-1.0, 4.0),
        Err(invalid("beta > 0", &[("beta", -1.0), ("cap", 4.0)]))
    );
    assert_eq!(
        SharpGate::try_new(5.0, 4.0),
        Err(invalid("beta <= cap", &[("beta", 5.0), ("cap", 4.0)]))
    );
    // NaN is refused before the conditions are looked at (NaN != NaN, so match on it).
    match SharpGate::try_new(f64::NAN, 4.0) {
        Err(ParamError::NotFinite {
            name: "beta",
            value,
        }) if value.is_nan() => {}
        other => panic!("{other:?}"),
    }
    let err = ClampGate::try_new(1.0, -1.0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "parameters must satisfy lo < hi, got lo = 1, hi = -1"
    );
}

#[test]
fn set_params_checks_the_values_together() {
    let mut g = ClampGate::default(); // lo = -1, hi = 1
    // lo = 2 alone breaks lo < hi; with hi = 5 in the same call it does not.
    assert_eq!(
        g.set_param("lo", 2.0),
        Err(invalid("lo < hi", &[("lo", 2.0), ("hi", 1.0)]))
    );
    assert_eq!(g, ClampGate::default(), "a refused value changes nothing");
    assert_eq!(g.set_params(&[("lo", 2.0), ("hi", 5.0)]), Ok(()));
    assert_eq!(g, ClampGate::new(2.0, 5.0));
    assert_eq!(g.forward(10.0, 0.5), 2.5);
    // A refused call leaves every value as it was, the valid ones included.
    assert!(g.set_params(&[("hi", 7.0), ("lo", 8.0)]).is_err());
    assert_eq!(g, ClampGate::new(2.0, 5.0));
    assert_eq!(
        g.set_params(&[("lo", 0.0), ("mid", 1.0)]),
        Err(ParamError::Unknown {
            name: "mid".into(),
            valid: vec!["lo", "hi"]
        })
    );
    assert_eq!(
        g.set_param("hi", f64::INFINITY),
        Err(ParamError::NotFinite {
            name: "hi",
            value: f64::INFINITY
        })
    );
    assert_eq!(g, ClampGate::new(2.0, 5.0));
}

#[test]
fn check_params_catches_fields_set_directly() {
    let mut g = SharpGate::default();
    assert_eq!(g.check_params(), Ok(()));
    g.beta = 9.0;
    assert_eq!(
        g.check_params(),
        Err(invalid("beta <= cap", &[("beta", 9.0), ("cap", 4.0)]))
    );
}

#[test]
fn dyn_gated_sets_several_values_at_once() {
    let mut g: Box<dyn act_core::DynGated> = Box::new(ClampGate::default());
    assert!(g.set_param("lo", 3.0).is_err());
    assert_eq!(g.set_params(&[("lo", 3.0), ("hi", 4.0)]), Ok(()));
    assert_eq!(g.params(), [("lo", 3.0), ("hi", 4.0)]);
    let err = g.set_params(&[("hi", 0.0)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "parameters must satisfy lo < hi, got lo = 3, hi = 0"
    );
    assert_eq!(g.params(), [("lo", 3.0), ("hi", 4.0)]);
}

#[test]
#[should_panic(expected = "SharpGate::new: the parameters must satisfy `beta > 0`")]
fn new_panics_on_a_broken_condition() {
    let _ = SharpGate::new(0.0, 4.0);
}

#[test]
#[should_panic(expected = "ClampGate::new: `hi` must be finite")]
fn new_panics_on_a_value_that_is_not_finite() {
    let _ = ClampGate::new(0.0, f64::NAN);
}
