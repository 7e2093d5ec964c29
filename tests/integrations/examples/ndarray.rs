use act_core::prelude::*;
use ndarray::{Array2, Axis, array};

fn main() {
    let logits = array![[2.0f32, 1.0, 0.1], [0.5, 0.5, 3.0]];

    // Elementwise, any dimension and layout: a transposed view is not copied.
    let h = Gelu.forward_array(&logits.t());
    assert_eq!(h[[2, 1]], Gelu.forward(3.0f32));
    let dh = Gelu.derivative_array(&logits);
    let grad = Gelu.backward_array(&logits, &Array2::ones((2, 3)));
    assert_eq!(grad, dh);
    let mut z = logits.clone();
    Relu.forward_array_inplace(&mut z);

    // Softmax along any axis, and its vector-Jacobian product for a gradient grad_y of the
    // loss with respect to the probabilities (here picking one class per row).
    let p = Softmax.forward_axis(&logits, Axis(1));
    let grad_y = array![[1.0f32, 0.0, 0.0], [0.0, 0.0, 1.0]];
    let grad_x = Softmax.backward_axis(&logits, &grad_y, Axis(1));
    assert!((p.row(0).sum() - 1.0).abs() < 1e-6);
    assert!(grad_x.row(0).sum().abs() < 1e-6); // shifting the logits changes nothing
    println!("softmax over rows:\n{p}\nVJP:\n{grad_x}");
}
