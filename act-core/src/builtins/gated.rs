//! The gated built-ins: GLU and the variants of Shazeer (2020), "GLU Variants Improve
//! Transformer" (arXiv:2002.05202), the feed-forward blocks of recent language models.
//!
//! Each takes two inputs of the same shape, `a` and `b` (the activation is applied to `b` in
//! GLU, to `a` in the others); with one tensor holding both as `[a | b]` along its last
//! dimension (PyTorch `glu(x, dim=-1)`), use
//! [`Gated::forward_halves`](crate::Gated::forward_halves).
//!
//! `forward_slice` of GLU, SwiGLU and GEGLU runs in chunks of 512 elements. A scan of each
//! chunk's gates (the argument of the sigmoid, SiLU or GELU kernel: `b` for GLU, `a` for the
//! other two) chooses between two loops: where no gate is below the kernel's tail bound or NaN
//! (`f32`: -69 for the sigmoid and SiLU, -10 for GELU; `f64`: -665, -665, -36), the kernel
//! without its tail scaling, which gives the same bits there; otherwise the full kernel. The
//! results are the same bits either way (`act-core/tests/gated_near.rs`). Speed, 1M `f32` on
//! an AMD Zen 5 (`benches/RESULTS.md`): with the AVX2 build GLU 1.14x, SwiGLU 1.25x, GEGLU
//! 1.12x the former single loop (the full kernel throughout); with AVX-512 1.0x, 1.07x, 1.0x.
//! A chunk with a gate beyond the bound costs the scan: when every chunk has one, about 7% on
//! AVX-512 and 7-16% with AVX2 (noisy measurements).

use crate::activation;

activation! {
    /// Gated linear unit (Dauphin et al., 2017, "Language Modeling with Gated Convolutional
    /// Networks"): `a * sigmoid(b)`, PyTorch `glu`.
    ///
    /// - f(a, b) = a * sigmoid(b)
    /// - ∂f/∂a = sigmoid(b), ∂f/∂b = a * sigmoid'(b) (accurate in the tails: σ'(-40) is not 0)
    /// - PyTorch `nn.functional.glu(x, dim)` splits `x` into `[a | b]` the same way as
    ///   [`forward_halves`](crate::Gated::forward_halves).
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(Glu.forward(3.0, 0.0), 1.5);
    /// let mut y = [0.0f32; 2];
    /// Glu.forward_halves(&[2.0, 4.0, 0.0, 1000.0], 2, &mut y); // one row [a | b]
    /// assert_eq!(y, [1.0, 4.0]);
    /// ```
    pub gated struct Glu;
    f(a, b) = a * sigmoid(b);
}

activation! {
    /// SwiGLU: a Swish-gated linear unit, `silu(a) * b` (Shazeer, 2020), the feed-forward
    /// activation of PaLM and LLaMA.
    ///
    /// - f(a, b) = a * sigmoid(a) * b
    /// - ∂f/∂a = b * (sigmoid(a) + a * sigmoid'(a)), ∂f/∂b = a * sigmoid(a)
    /// - f(-∞, b) = 0 for finite b (the limit, not NaN).
    /// - The forward pass is one SiLU kernel times `b`: `silu(a)` comes scaled, `(c silu(a),
    ///   1/c)` with `c` a power of two only in the tail (`math::f32::silu_scaled`: 2^64 below
    ///   `a = -69`, 2^149 below -131; f64: 2^64 below -665), and `1/c` is applied last, so the
    ///   product rounds once even where `silu(a)` itself is subnormal or 0 (f32:
    ///   `SwiGlu.forward(-150.0f32, 1e30)` is -1.1e-33, precise wherever the result is normal).
    ///   f32 within 3.23 ULP of an f64 reference on a dense sample of `a` in [-200, 200] times
    ///   `b` from 1e-30 to `f32::MAX` (`act-core/tests/gated.rs`); AVX-512, 45.5 instructions per
    ///   16 elements, 35 in the chunks whose gates are all at or above -69 (see the module
    ///   docs; the product with the accurate scaled sigmoid took 70; `benches/RESULTS.md`).
    ///
    /// ```
    /// use act_core::prelude::*;
    /// let y = SwiGlu.forward(-150.0f32, 1e30);
    /// // a σ(a) b in f64, with b = 1e30 rounded to f32: -1.0762644121697138e-33
    /// assert!((y / -1.0762644e-33 - 1.0).abs() < 1e-6, "{y:e}");
    /// assert_eq!(SwiGlu.forward(0.0, 5.0), 0.0);
    /// assert_eq!(SwiGlu.forward(f64::NEG_INFINITY, 2.0), 0.0);
    /// let (_, db) = SwiGlu.partials(2.0f64, 7.0);
    /// assert_eq!(db, Swish.forward(2.0f64));
    /// ```
    pub gated struct SwiGlu;
    f(a, b) = a * sigmoid(a) * b;
}

activation! {
    /// GEGLU: a GELU-gated linear unit, `gelu(a) * b` with the exact GELU (Shazeer, 2020).
    ///
    /// - f(a, b) = 0.5 * a * erfc(-a / sqrt(2)) * b, i.e. a Φ(a) b with Φ the standard normal
    ///   CDF (the erfc form stays accurate for a < 0)
    /// - ∂f/∂a = b * (Φ(a) + a φ(a)), ∂f/∂b = gelu(a)
    /// - The forward pass is one GELU kernel times `b`: `gelu(a)` comes scaled, `(c gelu(a),
    ///   1/c)` with `c` a power of two only in the tail (`math::f32::gelu_scaled`: 2^32 below
    ///   `a = -10`; f64: 2^64 below -36.5), and `1/c` is applied last, so the product rounds
    ///   once where `gelu(a)` itself is subnormal (f32: `GeGlu.forward(-14.5f32, 1e35)` is
    ///   -8.8e-12, where `gelu(-14.5)` alone, -8.8e-47, rounds to 0). f32 below `a = -14.7`
    ///   (GELU's clamp) gives ±0 whatever `b`, where the exact value is below `2^-157 |b|` (at
    ///   `a = -15, b = 1e35` it is -5.5e-15: a limit of this kernel, not a rounding). f32
    ///   within 3.41 ULP of an f64 reference on a dense sample of `a` in [-14.7, 16] times `b`
    ///   from 1e-30 to `f32::MAX` (`act-core/tests/gated.rs`); AVX-512, 63.5 instructions per
    ///   16 elements, 53 in the chunks whose gates are all at or above -10 (see the module
    ///   docs; the `erfc` product before this kernel took 96; `benches/RESULTS.md`).
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(GeGlu.forward(0.0, 1.0), 0.0);
    /// assert_eq!(GeGlu.forward(1.5f64, 1.0), Gelu.forward(1.5f64));
    /// // a Φ(a) b at a = -14.5, b = 1e35 (b rounded to f32), from mpmath: -8.7833677678e-12
    /// let y = GeGlu.forward(-14.5f32, 1e35);
    /// assert!((y / -8.7833678e-12 - 1.0).abs() < 1e-6, "{y:e}");
    /// ```
    pub gated struct GeGlu;
    f(a, b) = 0.5 * a * erfc(-a / sqrt(2)) * b;
}

activation! {
    /// ReGLU: a ReLU-gated linear unit, `max(0, a) * b` (Shazeer, 2020).
    ///
    /// - f(a, b) = max(0, a) * b
    /// - ∂f/∂a = b for a > 0, else 0 (0 at a = 0, as ReLU); ∂f/∂b = max(0, a)
    ///
    /// ```
    /// use act_core::prelude::*;
    /// assert_eq!(ReGlu.forward(-1.0, 3.0), 0.0);
    /// assert_eq!(ReGlu.forward(2.0, 3.0), 6.0);
    /// assert_eq!(ReGlu.partials(0.0, 3.0), (0.0, 0.0));
    /// ```
    pub gated struct ReGlu;
    f(a, b) = max(0, a) * b;
}
