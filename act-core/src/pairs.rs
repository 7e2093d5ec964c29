//! Loops behind gated activations (two inputs per element) and parameter gradients (sums over
//! a whole slice), called by code that `activation!` generates through `__private`.

use crate::Float;
use crate::checks::check_len;
use crate::loops::limit;

/// Elements per chunk: small enough for the chunk's values to stay in L1 between the main loop
/// and its fix-ups.
const CHUNK: usize = 512;

/// Whether a NaN `y` at `(a, b)` is an artefact of straight-line code at a huge input
/// (`∞ * 0` in `a * sigmoid(a) * b` at `a = -∞`) rather than a NaN input.
#[inline(always)]
pub fn is_limit_artefact2<F: Float>(a: F, b: F, y: F) -> bool {
    let big = F::from_f64(act_expr::eval::LIMIT_THRESHOLD);
    y.is_nan() & !a.is_nan() & !b.is_nan() & ((a.abs() >= big) | (b.abs() >= big))
}

/// The main loops' test for [`is_limit_artefact2`], without its magnitude test: a NaN `y` at
/// `(a, b)` with neither input NaN. The fix-up pass that a hit starts applies the full test,
/// element by element, so the results are the same; a NaN from finite inputs that are not
/// huge (outside a user formula's domain, `sqrt(a)` at `a < 0`) costs that pass for its
/// chunk. The loops save the magnitude tests (four of GLU's 42 instructions per 16-lane
/// vector in the AVX-512 build, `scripts/loop_sizes.py`).
#[inline(always)]
fn maybe_artefact2<F: Float>(a: F, b: F, y: F) -> bool {
    y.is_nan() & !a.is_nan() & !b.is_nan()
}

/// The limit of `f(a, b)` where its straight-line code gives NaN: along the huge input(s), by
/// the probes of [`limit`] (first `a` with `b` held, then `b` with `a` held, then both).
#[cold]
#[inline(never)]
pub fn limit2<F: Float>(a: F, b: F, f: impl Fn(F, F) -> F) -> F {
    let big = F::from_f64(act_expr::eval::LIMIT_THRESHOLD);
    if a.abs() >= big {
        let y = limit(a, |u| f(u, b));
        if !y.is_nan() {
            return y;
        }
    }
    if b.abs() >= big {
        let y = limit(b, |v| f(a, v));
        if !y.is_nan() {
            return y;
        }
        if a.abs() >= big {
            return limit(a, |u| limit(b, |v| f(u, v)));
        }
    }
    F::NAN
}

/// `y[i] = f(a[i], b[i])`, with NaN artefacts at huge inputs replaced by the limit.
#[inline(always)]
pub fn map_pairs<F: Float>(a: &[F], b: &[F], y: &mut [F], f: impl Fn(F, F) -> F) {
    for_each_chunk(a, b, y, |ac, bc, yc| map_chunk(ac, bc, yc, &f, &f));
}

/// [`map_pairs`] for a formula whose value has a lean form `near` over gates (the argument of
/// its scaled kernel: `a` or `b`, whichever `gate_is_b` names) at or above `from`: per chunk,
/// a scan of the gates ([`FloatKernels::__any_below_or_nan`](crate::__private::FloatKernels),
/// two integer maxima per vector) chooses `near` where none is below `from` or NaN, and
/// `full` otherwise.
/// `near` gives `full`'s bits where it runs, so the result is [`map_pairs`]'s with `full`
/// (NaN results are NaN, as there, their sign as the compiled code gives it);
/// the worst case (a gate below the bound in every chunk) costs the scan over it. NaN
/// artefacts are replaced by `full`'s limits.
#[inline(always)]
pub fn map_pairs_near<F: Float>(
    a: &[F],
    b: &[F],
    y: &mut [F],
    gate_is_b: bool,
    from: F,
    near: impl Fn(F, F) -> F,
    full: impl Fn(F, F) -> F,
) {
    for_each_chunk(a, b, y, |ac, bc, yc| {
        if F::__any_below_or_nan(if gate_is_b { bc } else { ac }, from) {
            map_chunk(ac, bc, yc, &full, &full);
        } else {
            map_chunk(ac, bc, yc, &near, &full);
        }
    });
}

/// The lengths checked (`a`, `b` and `y` alike), then `body` over their chunks of `CHUNK`.
#[inline(always)]
fn for_each_chunk<F: Float>(
    a: &[F],
    b: &[F],
    y: &mut [F],
    mut body: impl FnMut(&[F], &[F], &mut [F]),
) {
    check_len("a", a.len(), "b", b.len());
    check_len("a", a.len(), "y", y.len());
    for ((ac, bc), yc) in a
        .chunks(CHUNK)
        .zip(b.chunks(CHUNK))
        .zip(y.chunks_mut(CHUNK))
    {
        body(ac, bc, yc);
    }
}

/// One chunk of [`map_pairs`]: `y[i] = f(a[i], b[i])`, then the NaN artefacts replaced by the
/// limits of `limit_f` (the function `f` computes, or a form of it with the same bits).
#[inline(always)]
fn map_chunk<F: Float>(
    ac: &[F],
    bc: &[F],
    yc: &mut [F],
    f: &impl Fn(F, F) -> F,
    limit_f: &impl Fn(F, F) -> F,
) {
    // A count of the suspect elements (at most `CHUNK`) in 32-bit lanes: the comparison's
    // mask (-1 or 0) is subtracted from the count, one `vpsubd` per vector in the AVX2
    // loop. A `bool` flag was packed to bytes each vector (`vextractf128`, `vpackssdw`,
    // `vpor`); a `u32` ORed with `as u32` takes `vpsrld` + `vpor`; ORed as all ones or 0
    // (`if .. { !0 } else { 0 }`), LLVM no longer vectorised the loop.
    let mut bad = 0u32;
    for ((ai, bi), yi) in ac.iter().zip(bc).zip(yc.iter_mut()) {
        let v = f(*ai, *bi);
        bad += maybe_artefact2(*ai, *bi, v) as u32;
        *yi = v;
    }
    if bad != 0 {
        for ((ai, bi), yi) in ac.iter().zip(bc).zip(yc.iter_mut()) {
            if is_limit_artefact2(*ai, *bi, *yi) {
                *yi = limit2(*ai, *bi, limit_f);
            }
        }
    }
}

/// `grad_a[i] = g[i] · da(a[i], b[i])`, `grad_b[i] = g[i] · db(a[i], b[i])` with `(da, db) =
/// partials(a[i], b[i])` (one body for the two, so that what they share is computed once),
/// with NaN artefacts at huge inputs replaced by the limits of the partials.
#[inline(always)]
pub fn backward_pairs<F: Float>(
    a: &[F],
    b: &[F],
    g: &[F],
    grad_a: &mut [F],
    grad_b: &mut [F],
    partials: impl Fn(F, F) -> (F, F),
) {
    check_len("a", a.len(), "b", b.len());
    check_len("a", a.len(), "grad_y", g.len());
    check_len("a", a.len(), "grad_a", grad_a.len());
    check_len("a", a.len(), "grad_b", grad_b.len());
    for (i, (ac, bc)) in a.chunks(CHUNK).zip(b.chunks(CHUNK)).enumerate() {
        let range = i * CHUNK..i * CHUNK + ac.len();
        let gc = &g[range.clone()];
        let gac = &mut grad_a[range.clone()];
        let gbc = &mut grad_b[range];
        let mut bad = false;
        for ((((ai, bi), gi), ga), gb) in ac
            .iter()
            .zip(bc)
            .zip(gc)
            .zip(gac.iter_mut())
            .zip(gbc.iter_mut())
        {
            let (pa, pb) = partials(*ai, *bi);
            bad |= maybe_artefact2(*ai, *bi, pa) | maybe_artefact2(*ai, *bi, pb);
            *ga = *gi * pa;
            *gb = *gi * pb;
        }
        if bad {
            let da = |u: F, v: F| partials(u, v).0;
            let db = |u: F, v: F| partials(u, v).1;
            for ((((ai, bi), gi), ga), gb) in ac
                .iter()
                .zip(bc)
                .zip(gc)
                .zip(gac.iter_mut())
                .zip(gbc.iter_mut())
            {
                let (pa, pb) = partials(*ai, *bi);
                if is_limit_artefact2(*ai, *bi, pa) {
                    *ga = *gi * limit2(*ai, *bi, da);
                }
                if is_limit_artefact2(*ai, *bi, pb) {
                    *gb = *gi * limit2(*ai, *bi, db);
                }
            }
        }
    }
}

/// Checks the `[a | b]` layout: `x` is `rows × 2·cols` where `y` is `rows × cols`.
#[inline]
#[track_caller]
pub fn check_halves(x: usize, y_name: &str, y: usize, cols: usize) {
    if x != 2 * y || (cols == 0 && x != 0) || (cols != 0 && y % cols != 0) {
        halves_mismatch(x, y_name, y, cols);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn halves_mismatch(x: usize, y_name: &str, y: usize, cols: usize) -> ! {
    panic!(
        "layout mismatch: `x` holds rows of [a | b] with 2 × {cols} columns, so it needs twice \
         as many elements as `{y_name}` ({y}, whole rows of {cols}); it has {x}"
    )
}

/// A running sum in f64 with Neumaier's compensation: the error stays at a few units of the
/// last place of the result however many terms are added (a plain running sum of n terms
/// loses up to n/2 units).
#[derive(Clone, Copy, Debug, Default)]
pub struct CompensatedSum {
    sum: f64,
    carry: f64,
}

impl CompensatedSum {
    /// Adds a term.
    #[inline(always)]
    pub fn add(&mut self, t: f64) {
        let s = self.sum + t;
        // Branch-free two-sum: the exact rounding error of `sum + t`.
        let bp = s - self.sum;
        let err = (self.sum - (s - bp)) + (t - bp);
        self.carry += err;
        self.sum = s;
    }

    /// The sum. Where the running sum is infinite (an infinite term, or an overflow) the
    /// carry is NaN (`∞ - ∞` in the two-sum) and the running sum is the value.
    #[inline(always)]
    pub fn value(&self) -> f64 {
        if self.sum.is_finite() {
            self.sum + self.carry
        } else {
            self.sum
        }
    }
}

/// Lanes of compensated sums, so that independent additions can overlap.
const SUM_LANES: usize = 8;

/// `Σ_i g[i] · d(i)` in f64 with compensation: the products of two `f32` are exact in f64, so
/// for `f32` data the result is the exact sum rounded once (short of 2^50 terms).
#[inline(always)]
pub fn dot_compensated<F: Float>(g: &[F], d: impl Fn(usize) -> F) -> F {
    let mut lanes = [CompensatedSum::default(); SUM_LANES];
    for (c, gc) in g.chunks(SUM_LANES).enumerate() {
        for (k, gi) in gc.iter().enumerate() {
            let t = gi.to_f64() * d(c * SUM_LANES + k).to_f64();
            lanes[k].add(t);
        }
    }
    // A lane whose sum is infinite has a NaN carry (see `CompensatedSum::value`): its sum
    // alone (±∞ at x = ±∞ in PReLU's ∂f/∂alpha = x was NaN).
    let mut total = CompensatedSum::default();
    for l in lanes {
        total.add(l.sum);
        if l.sum.is_finite() {
            total.add(l.carry);
        }
    }
    F::from_f64(total.value())
}

/// `grad_params[k] = Σ_i grad_y[i] · ∂f/∂θ_k(x[i])` for an elementwise activation, where
/// `dk(k, x)` computes the k-th partial; NaN artefacts at huge inputs become limits.
#[inline(always)]
pub fn backward_params<F: Float>(
    x: &[F],
    grad_y: &[F],
    grad_params: &mut [F],
    dk: impl Fn(usize, F) -> F,
) {
    check_len("x", x.len(), "grad_y", grad_y.len());
    for (k, out) in grad_params.iter_mut().enumerate() {
        *out = dot_compensated(grad_y, |i| {
            let v = dk(k, x[i]);
            if crate::loops::is_limit_artefact(x[i], v) {
                limit(x[i], |u| dk(k, u))
            } else {
                v
            }
        });
    }
}

/// [`backward_params`] for a gated activation, `dk(k, a, b)`.
#[inline(always)]
pub fn backward_params_pairs<F: Float>(
    a: &[F],
    b: &[F],
    grad_y: &[F],
    grad_params: &mut [F],
    dk: impl Fn(usize, F, F) -> F,
) {
    check_len("a", a.len(), "b", b.len());
    check_len("a", a.len(), "grad_y", grad_y.len());
    for (k, out) in grad_params.iter_mut().enumerate() {
        *out = dot_compensated(grad_y, |i| {
            let v = dk(k, a[i], b[i]);
            if is_limit_artefact2(a[i], b[i], v) {
                limit2(a[i], b[i], |u, w| dk(k, u, w))
            } else {
                v
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensated_sum_keeps_what_a_running_sum_loses() {
        // 1 + 1e-16 ten million times: a running f64 sum stays at 1.
        let mut s = CompensatedSum::default();
        s.add(1.0);
        for _ in 0..10_000_000 {
            s.add(1e-16);
        }
        assert!((s.value() - (1.0 + 1e-9)).abs() < 1e-15, "{}", s.value());
    }

    /// An infinite term, or a sum that overflows, gives ±∞, not the NaN of the two-sum's
    /// `∞ - ∞`; opposite infinities give NaN.
    #[test]
    fn infinite_sums_are_infinite() {
        let mut s = CompensatedSum::default();
        s.add(1.0);
        s.add(f64::NEG_INFINITY);
        assert_eq!(s.value(), f64::NEG_INFINITY);
        let big = [f64::MAX, f64::MAX, 1.0];
        assert_eq!(dot_compensated(&[1.0f64; 3], |i| big[i]), f64::INFINITY);
        let d = [f32::NEG_INFINITY, 3.0];
        assert_eq!(
            dot_compensated(&[1.0f32, -2.0], |i| d[i]),
            f32::NEG_INFINITY
        );
        let both = [f64::INFINITY, f64::NEG_INFINITY];
        assert!(dot_compensated(&[1.0f64; 2], |i| both[i]).is_nan());
    }

    #[test]
    fn the_layout_check_names_the_lengths() {
        check_halves(8, "y", 4, 2);
        let r = std::panic::catch_unwind(|| check_halves(8, "y", 3, 2));
        assert!(r.is_err());
        let r = std::panic::catch_unwind(|| check_halves(6, "y", 3, 2));
        assert!(r.is_err());
    }
}
