//! Fake activations for unit tests, standing in for act-core's built-ins.

use act_core::{DynActivation, ParamError, ParamInfo, Properties, Range, Saturation};

use crate::catalog::Entry;

/// max(alpha * x, x), alpha = 0.1.
#[derive(Debug)]
pub struct FakeLeaky {
    alpha: f64,
}

const LEAKY_PARAMS: &[ParamInfo] = &[ParamInfo {
    name: "alpha",
    default: 0.1,
}];

impl DynActivation for FakeLeaky {
    fn name(&self) -> &'static str {
        "FakeLeaky"
    }
    fn summary(&self) -> &'static str {
        "A leaky rectifier for tests."
    }
    fn formula(&self) -> &'static str {
        "max(alpha * x, x)"
    }
    fn derivative_formula(&self) -> &'static str {
        "if x > 0 { 1 } else { alpha }"
    }
    fn param_info(&self) -> &'static [ParamInfo] {
        LEAKY_PARAMS
    }
    fn params(&self) -> Vec<(&'static str, f64)> {
        vec![("alpha", self.alpha)]
    }
    fn set_param(&mut self, name: &str, value: f64) -> Result<(), ParamError> {
        match name {
            "alpha" if value.is_finite() => {
                self.alpha = value;
                Ok(())
            }
            "alpha" => Err(ParamError::NotFinite {
                name: "alpha",
                value,
            }),
            _ => Err(ParamError::Unknown {
                name: name.into(),
                valid: vec!["alpha"],
            }),
        }
    }
    fn range(&self) -> Range {
        Range::REAL
    }
    fn properties(&self) -> Properties {
        Properties {
            monotonic: true,
            bounded_below: false,
            bounded_above: false,
            zero_centred: true,
            smooth: false,
            kinks: std::borrow::Cow::Borrowed(&[0.0]),
            value_at_zero: 0.0,
            derivative_at_zero: 0.1,
            saturating: Saturation {
                left: false,
                right: false,
            },
        }
    }
    fn is_vector(&self) -> bool {
        false
    }
    fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]) {
        for i in 0..x.len() {
            let pos = x[i] > 0.0;
            value[i] = if pos { x[i] } else { self.alpha * x[i] };
            derivative[i] = if pos { 1.0 } else { self.alpha };
        }
    }
}

/// exp(x - max) / sum, a vector activation.
#[derive(Debug)]
pub struct FakeSoftmax;

impl DynActivation for FakeSoftmax {
    fn name(&self) -> &'static str {
        "FakeSoftmax"
    }
    fn summary(&self) -> &'static str {
        "Scores to probabilities, for tests."
    }
    fn formula(&self) -> &'static str {
        "exp(x - max(x)) / sum(exp(x - max(x)))"
    }
    fn derivative_formula(&self) -> &'static str {
        "f(x) * (1 - f(x))"
    }
    fn param_info(&self) -> &'static [ParamInfo] {
        &[]
    }
    fn params(&self) -> Vec<(&'static str, f64)> {
        Vec::new()
    }
    fn set_param(&mut self, name: &str, _value: f64) -> Result<(), ParamError> {
        Err(ParamError::Unknown {
            name: name.into(),
            valid: vec![],
        })
    }
    fn range(&self) -> Range {
        Range::new(0.0, false, 1.0, false)
    }
    fn properties(&self) -> Properties {
        Properties {
            monotonic: true,
            bounded_below: true,
            bounded_above: true,
            zero_centred: false,
            smooth: true,
            kinks: std::borrow::Cow::Borrowed(&[]),
            value_at_zero: f64::NAN,
            derivative_at_zero: f64::NAN,
            saturating: Saturation {
                left: true,
                right: true,
            },
        }
    }
    fn is_vector(&self) -> bool {
        true
    }
    fn table(&self, x: &[f64], value: &mut [f64], derivative: &mut [f64]) {
        let m = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let sum: f64 = x.iter().map(|v| (v - m).exp()).sum();
        for i in 0..x.len() {
            value[i] = (x[i] - m).exp() / sum;
            derivative[i] = value[i] * (1.0 - value[i]);
        }
    }
}

fn make_leaky() -> Box<dyn DynActivation> {
    Box::new(FakeLeaky { alpha: 0.1 })
}

fn make_softmax() -> Box<dyn DynActivation> {
    Box::new(FakeSoftmax)
}

/// A catalog of fakes: `leaky-relu` (aliases `leaky_relu`, `lrelu`) and `softmax`.
pub const FAKES: &[Entry] = &[
    Entry {
        name: "leaky-relu",
        aliases: &["leaky_relu", "lrelu"],
        make: make_leaky,
    },
    Entry {
        name: "softmax",
        aliases: &[],
        make: make_softmax,
    },
];
