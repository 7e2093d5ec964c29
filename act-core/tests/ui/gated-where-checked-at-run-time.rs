use act_core::activation;

activation! {
    /// A gated activation's `new` checks the conditions, at compile time in a const context.
    pub gated struct ClampGate(lo = -1.0, hi = 1.0);
    f(a, b) = clamp(a, lo, hi) * b;
    where lo < hi;
}

const BAD: ClampGate = ClampGate::new(2.0, 0.0);

fn main() {
    let _ = BAD;
}
