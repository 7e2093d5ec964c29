use act_core::prelude::*;
fn main() {
    let mut grad = [0.0f32; 0];
    Softmax.backward_params(&[1.0f32, 2.0], &[1.0, 1.0], &mut grad);
}
