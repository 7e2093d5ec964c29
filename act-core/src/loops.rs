//! The slice loops of elementwise activations (`y[i] = f(x[i])` and the VJP), and the limit
//! fix-up for formulas whose straight-line code gives NaN at huge inputs.

use crate::Float;
use crate::checks::check_len;

/// `y[i] = f(x[i])`.
#[inline(always)]
pub fn map1<F: Float>(x: &[F], y: &mut [F], f: impl Fn(F) -> F) {
    check_len("x", x.len(), "y", y.len());
    for (xi, yi) in x.iter().zip(y.iter_mut()) {
        *yi = f(*xi);
    }
}

/// `x[i] = f(x[i])`.
#[inline(always)]
pub fn map_in_place<F: Float>(x: &mut [F], f: impl Fn(F) -> F) {
    for xi in x.iter_mut() {
        *xi = f(*xi);
    }
}

/// `out[i] = f(x[i], g[i])`.
#[inline(always)]
pub fn map2<F: Float>(x: &[F], g: &[F], out: &mut [F], f: impl Fn(F, F) -> F) {
    check_len("x", x.len(), "grad_y", g.len());
    check_len("x", x.len(), "grad_x", out.len());
    for ((xi, gi), oi) in x.iter().zip(g).zip(out.iter_mut()) {
        *oi = f(*xi, *gi);
    }
}

/// `row(x_r, y_r)` for each row of a row-major batch of rows of `cols` (a vector activation's
/// `forward_rows`: the batch is dispatched once, and the row's build inlines into the loop).
#[inline(always)]
pub fn for_rows<F: Float>(x: &[F], cols: usize, y: &mut [F], row: impl Fn(&[F], &mut [F])) {
    for (xr, yr) in x.chunks(cols).zip(y.chunks_mut(cols)) {
        row(xr, yr);
    }
}

/// [`for_rows`] over two inputs (`backward_rows`, `backward_rows_from_output`).
#[inline(always)]
pub fn for_rows2<F: Float>(
    x: &[F],
    g: &[F],
    cols: usize,
    out: &mut [F],
    row: impl Fn(&[F], &[F], &mut [F]),
) {
    for ((xr, gr), or) in x.chunks(cols).zip(g.chunks(cols)).zip(out.chunks_mut(cols)) {
        row(xr, gr, or);
    }
}

/// Elements per chunk for the limit fix-up: small enough to stay in L1 between the two loops.
const CHUNK: usize = 512;

/// The limit of `f` towards `x` (±∞, or a huge finite input), for formulas whose straight-line
/// code gives NaN there (`∞ * 0` in `x * x * sigmoid(x)` at -∞, `x^3` overflowing in gelu-tanh's
/// derivative): `f` at the probe inputs of `act_expr::eval::LIMIT_PROBES` no larger than `|x|`
/// (and finite in `F`), largest first, judged by `act_expr::eval::LimitProbes` as the
/// interpreter judges them: two that agree give the limit; at ±∞ values that keep growing
/// with the probe give ±∞, values that keep falling towards 0 give ±0, others the largest
/// probe's value; at a finite input, NaN.
#[cold]
#[inline(never)]
pub fn limit<F: Float>(x: F, f: impl Fn(F) -> F) -> F {
    let mut probes = act_expr::eval::LimitProbes::default();
    for m in act_expr::eval::LIMIT_PROBES {
        let v = F::from_f64(m);
        if v.is_infinite() || v > x.abs() {
            continue;
        }
        // Every value of `F` is exact in f64, and the verdict is one of the values or ±∞.
        let y = f(F::select(x > F::ZERO, v, -v));
        if let Some(l) = probes.push(v.to_f64(), y.to_f64()) {
            return F::from_f64(l);
        }
    }
    F::from_f64(probes.finish(x.is_infinite()))
}

/// Whether a NaN result `y` at input `x` is an artefact to replace by the limit: `x` is a number
/// of magnitude at least the smallest probe (where `∞ * 0` or `∞ - ∞` can arise from an
/// overflowing intermediate) and the result is NaN.
#[inline(always)]
pub fn is_limit_artefact<F: Float>(x: F, y: F) -> bool {
    y.is_nan() & !x.is_nan() & (x.abs() >= F::from_f64(act_expr::eval::LIMIT_THRESHOLD))
}

/// `f(x)` for one element: the scalar methods (`forward`, `derivative`) of an elementwise
/// activation, without the slice loop's set-up.
#[inline(always)]
pub fn one<F: Float>(x: F, f: impl Fn(F) -> F) -> F {
    f(x)
}

/// [`one`] with the limit fix-up of [`map1_limit`].
#[inline(always)]
pub fn one_limit<F: Float>(x: F, f: impl Fn(F) -> F) -> F {
    let y = f(x);
    if is_limit_artefact(x, y) {
        limit_cold(x, &f)
    } else {
        y
    }
}

/// [`limit`] off the scalar methods' hot path.
#[cold]
#[inline(never)]
fn limit_cold<F: Float>(x: F, f: &impl Fn(F) -> F) -> F {
    limit(x, f)
}

/// Where the straight-line code gave an artefact NaN, replace the value by the limit.
#[cold]
fn fix_limits<F: Float>(x: &[F], y: &mut [F], f: &impl Fn(F) -> F) {
    for (xi, yi) in x.iter().zip(y.iter_mut()) {
        if is_limit_artefact(*xi, *yi) {
            *yi = limit(*xi, f);
        }
    }
}

/// [`map1`] for formulas whose straight-line code can give NaN at huge inputs: the check rides
/// along in the main loop (an OR-reduction that vectorises), and only a chunk that has such a
/// NaN is visited again.
#[inline(always)]
pub fn map1_limit<F: Float>(x: &[F], y: &mut [F], f: impl Fn(F) -> F) {
    check_len("x", x.len(), "y", y.len());
    for (xc, yc) in x.chunks(CHUNK).zip(y.chunks_mut(CHUNK)) {
        let mut bad = false;
        for (xi, yi) in xc.iter().zip(yc.iter_mut()) {
            let v = f(*xi);
            bad |= is_limit_artefact(*xi, v);
            *yi = v;
        }
        if bad {
            fix_limits(xc, yc, &f);
        }
    }
}

/// [`map_in_place`] with the limit check of [`map1_limit`]: each chunk's inputs are kept in a
/// buffer on the stack (in L1), so the main loop has no call in it and vectorises.
#[inline(always)]
pub fn map_in_place_limit<F: Float>(x: &mut [F], f: impl Fn(F) -> F) {
    let mut keep = [F::ZERO; CHUNK];
    for xc in x.chunks_mut(CHUNK) {
        let kept = &mut keep[..xc.len()];
        let mut bad = false;
        // The copy rides along in the loop (a separate `memcpy` would be a call per chunk).
        for (ki, xi) in kept.iter_mut().zip(xc.iter_mut()) {
            *ki = *xi;
            let v = f(*xi);
            bad |= is_limit_artefact(*ki, v);
            *xi = v;
        }
        if bad {
            fix_limits(kept, xc, &f);
        }
    }
}

/// [`map2`] with the limit check of [`map1_limit`].
#[inline(always)]
pub fn map2_limit<F: Float>(x: &[F], g: &[F], out: &mut [F], f: impl Fn(F, F) -> F) {
    check_len("x", x.len(), "grad_y", g.len());
    check_len("x", x.len(), "grad_x", out.len());
    for ((xc, gc), oc) in x
        .chunks(CHUNK)
        .zip(g.chunks(CHUNK))
        .zip(out.chunks_mut(CHUNK))
    {
        let mut bad = false;
        for ((xi, gi), oi) in xc.iter().zip(gc).zip(oc.iter_mut()) {
            let v = f(*xi, *gi);
            bad |= is_limit_artefact(*xi, v);
            *oi = v;
        }
        if bad {
            for ((xi, gi), oi) in xc.iter().zip(gc).zip(oc.iter_mut()) {
                if is_limit_artefact(*xi, *oi) {
                    *oi = limit(*xi, |v| f(v, *gi));
                }
            }
        }
    }
}

/// Whether `|v|` reaches `t` (NaN does not): the tail check of the `*_tail` loops.
#[inline(always)]
fn reaches<F: Float>(v: F, t: F) -> bool {
    v.abs() >= t
}

/// Where the tail starts for the `*_tail` loops: `t`, or with `LIMIT` (a formula whose code
/// can give NaN at huge inputs) the smallest input the limit fix-up looks at, if that is
/// smaller, so that only the chunks run again with the full body need the fix-up.
#[inline(always)]
fn tail_from<F: Float, const LIMIT: bool>(t: F) -> F {
    let limit = F::from_f64(act_expr::eval::LIMIT_THRESHOLD);
    if LIMIT && limit < t { limit } else { t }
}

/// [`map1`] for formulas with a tail form beyond `|x| = t` (Squareplus' scaled square root):
/// `lean` is the formula with the tail's selects folded away, right wherever `|x| < t` (or
/// NaN), `full` the formula. The main loop runs `lean`, the tail check riding along (an
/// OR-reduction that vectorises); only a chunk with an input at or beyond `t` runs again
/// with `full` (and with `LIMIT`, as [`map1_limit`]). Both bodies are straight-line, so the
/// loops stay branch-free.
#[inline(always)]
pub fn map1_tail<F: Float, const LIMIT: bool>(
    x: &[F],
    y: &mut [F],
    t: F,
    lean: impl Fn(F) -> F,
    full: impl Fn(F) -> F,
) {
    check_len("x", x.len(), "y", y.len());
    let t = tail_from::<F, LIMIT>(t);
    for (xc, yc) in x.chunks(CHUNK).zip(y.chunks_mut(CHUNK)) {
        let mut far = false;
        for (xi, yi) in xc.iter().zip(yc.iter_mut()) {
            far |= reaches(*xi, t);
            *yi = lean(*xi);
        }
        if far {
            if LIMIT {
                map1_limit(xc, yc, &full);
            } else {
                map1(xc, yc, &full);
            }
        }
    }
}

/// [`map_in_place`] with the tail split of [`map1_tail`]: each chunk's inputs are kept in a
/// buffer on the stack (in L1) for the second pass.
#[inline(always)]
pub fn map_in_place_tail<F: Float, const LIMIT: bool>(
    x: &mut [F],
    t: F,
    lean: impl Fn(F) -> F,
    full: impl Fn(F) -> F,
) {
    let t = tail_from::<F, LIMIT>(t);
    let mut keep = [F::ZERO; CHUNK];
    for xc in x.chunks_mut(CHUNK) {
        let kept = &mut keep[..xc.len()];
        let mut far = false;
        for (ki, xi) in kept.iter_mut().zip(xc.iter_mut()) {
            *ki = *xi;
            far |= reaches(*xi, t);
            *xi = lean(*xi);
        }
        if far {
            if LIMIT {
                map1_limit(kept, xc, &full);
            } else {
                map1(kept, xc, &full);
            }
        }
    }
}

/// [`map2`] with the tail split of [`map1_tail`].
#[inline(always)]
pub fn map2_tail<F: Float, const LIMIT: bool>(
    x: &[F],
    g: &[F],
    out: &mut [F],
    t: F,
    lean: impl Fn(F, F) -> F,
    full: impl Fn(F, F) -> F,
) {
    check_len("x", x.len(), "grad_y", g.len());
    check_len("x", x.len(), "grad_x", out.len());
    let t = tail_from::<F, LIMIT>(t);
    for ((xc, gc), oc) in x
        .chunks(CHUNK)
        .zip(g.chunks(CHUNK))
        .zip(out.chunks_mut(CHUNK))
    {
        let mut far = false;
        for ((xi, gi), oi) in xc.iter().zip(gc).zip(oc.iter_mut()) {
            far |= reaches(*xi, t);
            *oi = lean(*xi, *gi);
        }
        if far {
            if LIMIT {
                map2_limit(xc, gc, oc, &full);
            } else {
                map2(xc, gc, oc, &full);
            }
        }
    }
}
