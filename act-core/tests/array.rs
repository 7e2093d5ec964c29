//! The ndarray methods (feature `ndarray`) on every layout: standard, Fortran order, permuted
//! axes, transposed, strided and reversed views, empty arrays, 0-d and dynamic dimensions.
//! Each result is compared bit for bit with the slice methods on the same elements.
#![cfg(feature = "ndarray")]

use act_core::prelude::*;
use ndarray::{Array, Array3, ArrayD, ArrayView, Axis, Dimension, IxDyn, ShapeBuilder, array, s};

fn value(i: usize) -> f64 {
    let u = ((i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11) as f64;
    u / (1u64 << 53) as f64 * 16.0 - 8.0
}

/// A 4×5×6 array in standard layout with distinct values.
fn cube() -> Array3<f64> {
    Array::from_shape_fn((4, 5, 6), |(i, j, k)| value(i * 30 + j * 6 + k))
}

fn same_bits(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || a.is_nan() && b.is_nan()
}

/// Every layout of the same logical 3-d array, as views: name, view.
fn layouts(
    c: &Array3<f64>,
    f: &Array3<f64>,
) -> Vec<(&'static str, ArrayView<'static, f64, ndarray::Ix3>)> {
    // Leak the owned arrays so the views can outlive this function (test code only).
    let c: &'static Array3<f64> = Box::leak(Box::new(c.clone()));
    let f: &'static Array3<f64> = Box::leak(Box::new(f.clone()));
    let permuted: &'static Array3<f64> = Box::leak(Box::new(
        c.clone()
            .permuted_axes([2, 0, 1])
            .as_standard_layout()
            .to_owned(),
    ));
    vec![
        ("standard", c.view()),
        ("fortran", f.view()),
        ("transposed", c.t()),
        ("permuted", permuted.view().permuted_axes([1, 2, 0])),
        ("strided", c.slice(s![.., ..;2, ..])),
        ("reversed", c.slice(s![..;-1, .., ..;-1])),
        ("empty", c.slice(s![.., 0..0, ..])),
    ]
}

fn fortran_copy(c: &Array3<f64>) -> Array3<f64> {
    let mut f = Array3::zeros(c.raw_dim().f());
    f.assign(c);
    f
}

fn contiguous<D: Dimension>(v: &ArrayView<f64, D>) -> bool {
    v.as_slice_memory_order().is_some() && v.strides().iter().all(|&s| s >= 0)
}

#[test]
fn elementwise_forward_derivative_backward_on_every_layout() {
    let c = cube();
    let f = fortran_copy(&c);
    let g = c.mapv(|v| v / 3.0 + 0.25);
    for (name, x) in layouts(&c, &f) {
        let y = Mish.forward_array(&x);
        let d = Mish.derivative_array(&x);
        assert_eq!(y.shape(), x.shape(), "{name}");
        for (idx, &xi) in x.indexed_iter() {
            assert!(
                same_bits(y[idx], Mish.forward(xi)),
                "{name} forward at {idx:?}"
            );
            assert!(
                same_bits(d[idx], Mish.derivative(xi)),
                "{name} derivative at {idx:?}"
            );
        }
        if contiguous(&x) && !x.is_empty() {
            // Computed in x's memory: the result has x's strides.
            assert_eq!(y.strides(), x.strides(), "{name}: layout kept");
        }
        // The gradient in another layout than x (standard, sliced alike) and in x's own.
        let g_std = match name {
            "transposed" => g.t().to_owned(),
            "permuted" => g
                .clone()
                .permuted_axes([2, 0, 1])
                .permuted_axes([1, 2, 0])
                .to_owned(),
            "strided" => g.slice(s![.., ..;2, ..]).to_owned(),
            "reversed" => g.slice(s![..;-1, .., ..;-1]).to_owned(),
            "empty" => g.slice(s![.., 0..0, ..]).to_owned(),
            _ => g.clone(),
        };
        let mut g_like = x.to_owned();
        g_like.assign(&g_std);
        for grad in [g_std.view(), g_like.view(), g_std.t().t()] {
            let gx = Mish.backward_array(&x, &grad);
            for (idx, &xi) in x.indexed_iter() {
                let mut out = [0.0];
                Mish.backward_slice(&[xi], &[grad[idx]], &mut out);
                assert!(same_bits(gx[idx], out[0]), "{name} backward at {idx:?}");
            }
        }
    }
}

#[test]
fn forward_array_inplace_on_views() {
    let c = cube();
    // A strided mutable view: only every other column changes.
    let mut x = c.clone();
    Swish.forward_array_inplace(&mut x.slice_mut(s![.., .., ..;2]));
    for ((i, j, k), &v) in x.indexed_iter() {
        let expected = if k % 2 == 0 {
            Swish.forward(c[[i, j, k]])
        } else {
            c[[i, j, k]]
        };
        assert!(
            same_bits(v, expected),
            "strided in place at {:?}",
            (i, j, k)
        );
    }
    // Fortran order, in memory, in chunks (more than one: 120 elements, and a 40×40 below).
    let mut big = Array::from_shape_fn((40, 40).f(), |(i, j)| value(i * 40 + j));
    let before = big.clone();
    Elu::default().forward_array_inplace(&mut big);
    assert!(big.t().is_standard_layout());
    for (idx, &v) in big.indexed_iter() {
        assert!(same_bits(v, Elu::default().forward(before[idx])));
    }
    // A vector activation in place: the whole array is one vector.
    let mut p = array![[1.0f32, 2.0], [3.0, 4.0]];
    Softmax.forward_array_inplace(&mut p);
    let mut expected = [0.0f32; 4];
    Softmax.forward_slice(&[1.0, 2.0, 3.0, 4.0], &mut expected);
    assert_eq!(p.as_slice().unwrap(), &expected);
}

#[test]
fn softmax_along_every_axis_of_every_layout() {
    let c = cube();
    let f = fortran_copy(&c);
    for (name, x) in layouts(&c, &f) {
        for axis in 0..3 {
            let y = Softmax.forward_axis(&x, Axis(axis));
            // A gradient in standard layout, whatever x's layout.
            let grad = x.mapv(|v| (v * 7.0).sin());
            let gx = Softmax.backward_axis(&x, &grad, Axis(axis));
            assert_eq!(y.shape(), x.shape());
            for ((lx, ly), (lg, lgx)) in x
                .lanes(Axis(axis))
                .into_iter()
                .zip(y.lanes(Axis(axis)))
                .zip(grad.lanes(Axis(axis)).into_iter().zip(gx.lanes(Axis(axis))))
            {
                let xs = lx.to_vec();
                let mut expected = vec![0.0; xs.len()];
                Softmax.forward_slice(&xs, &mut expected);
                assert_eq!(ly.to_vec(), expected, "{name} axis {axis}");
                let sum: f64 = ly.sum();
                let expected_sum = if xs.is_empty() { 0.0 } else { 1.0 };
                assert!(
                    (sum - expected_sum).abs() < 1e-12,
                    "{name} axis {axis}: sum {sum}"
                );
                Softmax.backward_slice(&xs, &lg.to_vec(), &mut expected);
                assert_eq!(lgx.to_vec(), expected, "{name} axis {axis} backward");
            }
        }
    }
}

#[test]
fn vector_forward_array_is_one_vector() {
    let x = array![[1.0f64, -1.0], [0.5, 2.0]];
    let y = Softmax.forward_array(&x);
    assert!((y.sum() - 1.0).abs() < 1e-15);
    let mut flat = [0.0; 4];
    Softmax.forward_slice(x.as_slice().unwrap(), &mut flat);
    assert_eq!(y.as_slice().unwrap(), &flat);
    // Backward: the VJP of the whole vector.
    let g = array![[1.0, 0.0], [0.0, 0.0]];
    let gx = Softmax.backward_array(&x, &g);
    let mut expected = [0.0; 4];
    Softmax.backward_slice(x.as_slice().unwrap(), g.as_slice().unwrap(), &mut expected);
    assert_eq!(gx.as_slice().unwrap(), &expected);
}

#[test]
fn dynamic_and_zero_dimensional_arrays() {
    let x = ArrayD::from_shape_fn(IxDyn(&[2, 3, 2, 2]), |i| {
        value(i[0] * 12 + i[1] * 4 + i[2] * 2 + i[3])
    });
    let y = Tanh.forward_array(&x);
    for (idx, &v) in x.indexed_iter() {
        assert!(same_bits(y[&idx], Tanh.forward(v)));
    }
    let p = Softmax.forward_axis(&x, Axis(1));
    for lane in p.lanes(Axis(1)) {
        assert!((lane.sum() - 1.0).abs() < 1e-12);
    }
    let scalar = ndarray::arr0(-3.0f32);
    assert_eq!(Relu.forward_array(&scalar)[()], 0.0);
    // The array methods run the slice kernels (the scalar methods' one-element f32
    // kernels may differ in the last bits).
    let mut d = [0.0f32];
    Sigmoid.derivative_slice(&[-3.0f32], &mut d);
    assert_eq!(Sigmoid.derivative_array(&scalar)[()], d[0]);
}

#[cfg(feature = "half")]
#[test]
fn half_arrays() {
    use half::bf16;
    let x = array![[1.0f32, -2.0], [3.0, 0.25]].mapv(bf16::from_f32);
    let y = Gelu.forward_array(&x.t());
    for (idx, &v) in x.t().indexed_iter() {
        assert_eq!(y[idx].to_bits(), Gelu.forward(v).to_bits());
    }
    let p = Softmax.forward_axis(&x, Axis(1));
    assert!(p.iter().all(|v| v.to_f32() > 0.0 && v.to_f32() < 1.0));
}

#[test]
#[should_panic(expected = "shape mismatch: `x` has shape [2, 2] but `grad_y` has shape [2, 1]")]
fn backward_array_checks_shapes() {
    let x = array![[1.0f32, 2.0], [3.0, 4.0]];
    let g = array![[1.0f32], [1.0]];
    Relu.backward_array(&x, &g);
}

#[test]
#[should_panic(expected = "axis 2 is out of bounds for an array of 2 dimensions")]
fn forward_axis_checks_the_axis() {
    Softmax.forward_axis(&array![[1.0f32, 2.0]], Axis(2));
}
