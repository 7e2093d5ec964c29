//! TEMPORARY std-backed stand-in for the f32 kernels.
#![allow(missing_docs)]
pub fn exp(x: f32) -> f32 { x.exp() }
pub fn expm1(x: f32) -> f32 { x.exp_m1() }
pub fn ln(x: f32) -> f32 { x.ln() }
pub fn log1p(x: f32) -> f32 { x.ln_1p() }
pub fn tanh(x: f32) -> f32 { x.tanh() }
pub fn sigmoid(x: f32) -> f32 { if x >= 0.0 { 1.0 / (1.0 + (-x).exp()) } else { let e = x.exp(); e / (1.0 + e) } }
pub fn softplus(x: f32) -> f32 { x.max(0.0) + (-x.abs()).exp().ln_1p() }
pub fn erf(x: f32) -> f32 { 1.0 - erfc(x) }
pub fn erfc(x: f32) -> f32 { let _ = x; unimplemented!() }
pub fn sigmoid_prime(x: f32) -> f32 { let e = (-x.abs()).exp(); e / ((1.0 + e) * (1.0 + e)) }
pub fn tanh_prime(x: f32) -> f32 { let e = (-2.0 * x.abs()).exp(); 4.0 * e / ((1.0 + e) * (1.0 + e)) }
pub fn powi(x: f32, n: i32) -> f32 { x.powi(n) }
pub fn powf(x: f32, y: f32) -> f32 { x.powf(y) }
