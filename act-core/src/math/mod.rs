//! act-core's math kernels for `f32` and `f64`. TEMPORARY std-backed stand-in: being replaced
//! by branch-free vectorisable kernels.
pub mod f32;
pub mod f64;
