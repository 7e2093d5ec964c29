//! The f32 `erfc` kernel (both forms) against `libm`'s f64 `erfc` on every 7th `f32` in
//! `[0.5, 9)`: the worst error in ULPs per interval. Finds what the mpmath grid of
//! `act-core/tests/math_accuracy.rs` misses (the FMA form is run through `mul_add`, a library
//! call here, with the same results as in the AVX builds).
//!
//! ```text
//! cargo run -p act-benches --release --bin erfc_scan
//! ```

use act_benches::reference::ulp_error;
use act_core::math::f32 as m;

fn main() {
    for (lo, hi) in [(0.5f32, 1.0f32), (1.0, 2.0), (2.0, 4.0), (4.0, 9.0)] {
        let mut worst = [(0.0f64, 0.0f32); 2];
        let mut x = lo;
        while x < hi {
            let r = libm::erfc(f64::from(x));
            for (k, got) in [m::erfc::<false>(x), m::erfc::<true>(x)]
                .into_iter()
                .enumerate()
            {
                let e = ulp_error(got, r);
                if e > worst[k].0 {
                    worst[k] = (e, x);
                }
            }
            x = f32::from_bits(x.to_bits() + 7);
        }
        println!(
            "[{lo}, {hi}): portable {:.3} ulp at {}, fma {:.3} ulp at {}",
            worst[0].0, worst[0].1, worst[1].0, worst[1].1
        );
    }
}
