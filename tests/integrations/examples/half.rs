use act_core::prelude::*;
use half::{bf16, f16};

fn main() {
    // Scalars: computed in f32, rounded once to the 16-bit type.
    let y = Gelu.forward(f16::from_f32(-3.5));
    assert_eq!(y, f16::from_f32(Gelu.forward(-3.5f32)));

    // Slices, forward and backward, as for f32 and f64.
    let x: Vec<bf16> = [-2.0f32, 0.0, 40.0].map(bf16::from_f32).to_vec();
    let mut dy = vec![bf16::ZERO; x.len()];
    Sigmoid.derivative_slice(&x, &mut dy);
    assert!(dy[2] > bf16::ZERO); // σ'(40) = 4.2e-18, not 0: bf16 has f32's exponent range
    println!("gelu(-3.5) = {y} (f16), sigmoid' = {dy:?} (bf16)");
}
