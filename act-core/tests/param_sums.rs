//! `backward_params` over a million f32 elements against an mpmath sum
//! (`tests/data/params/sums.txt`, from `scripts/gen_param_sums.py`, whose generator of the
//! inputs this file repeats): within 1e-6 relative, where a plain f32 running sum is not.

use act_core::prelude::*;

const N: usize = 1_000_000;

/// xorshift64*, as in the script.
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn inputs() -> (Vec<f32>, Vec<f32>) {
    let mut s = Stream(0x9E37_79B9_7F4A_7C15);
    let (mut xs, mut gs) = (Vec::with_capacity(N), Vec::with_capacity(N));
    for _ in 0..N {
        let (u, v) = (s.next(), s.next());
        xs.push(((u >> 40) as i64 - (1 << 23)) as f32 / (1 << 19) as f32);
        gs.push(((v >> 40) as i64 - (1 << 23)) as f32 / (1 << 23) as f32);
    }
    (xs, gs)
}

fn reference(key: &str) -> f64 {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/params/sums.txt");
    let text = std::fs::read_to_string(path).expect("sums.txt");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(key)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {key} in {path}"))
}

fn check<A: ParamGradients>(a: A, xs: &[f32], gs: &[f32]) {
    let k = A::PARAMS.len();
    let mut got = vec![0.0f32; k];
    a.backward_params(xs, gs, &mut got);
    let mut got64 = vec![0.0f64; k];
    let xs64: Vec<f64> = xs.iter().map(|&v| f64::from(v)).collect();
    let gs64: Vec<f64> = gs.iter().map(|&v| f64::from(v)).collect();
    a.backward_params(&xs64, &gs64, &mut got64);
    for (j, p) in A::PARAMS.iter().enumerate() {
        let want = reference(&format!("{}.{}", A::NAME, p.name));
        let rel32 = (f64::from(got[j]) - want).abs() / want.abs();
        let rel64 = (got64[j] - want).abs() / want.abs();
        println!(
            "{}.{}: f32 {:e} relative, f64 {:e} relative",
            A::NAME,
            p.name,
            rel32,
            rel64
        );
        assert!(
            rel32 <= 1e-6,
            "{}.{} f32: {} vs {want} ({rel32:e})",
            A::NAME,
            p.name,
            got[j]
        );
        assert!(
            rel64 <= 1e-12,
            "{}.{} f64: {} vs {want} ({rel64:e})",
            A::NAME,
            p.name,
            got64[j]
        );
    }
}

#[test]
fn backward_params_over_a_million_f32_matches_mpmath() {
    let (xs, gs) = inputs();
    check(PRelu::default(), &xs, &gs);
    check(Elu::default(), &xs, &gs);
    check(Selu::default(), &xs, &gs);
    // The check can fail: a plain f32 running sum of the same terms is off by more.
    let mut d = [0.0f32];
    let naive: f32 = xs
        .iter()
        .zip(&gs)
        .map(|(&x, &g)| {
            PRelu::default().param_derivatives(x, &mut d);
            g * d[0]
        })
        .fold(0.0f32, |acc, t| acc + t);
    let want = reference("PRelu.alpha");
    let rel = (f64::from(naive) - want).abs() / want.abs();
    println!("plain f32 running sum: {rel:e} relative");
    assert!(
        rel > 1e-6,
        "the plain sum is within 1e-6 too ({rel:e}): the test would not see a bad sum"
    );
}
