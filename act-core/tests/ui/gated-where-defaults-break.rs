use act_core::activation;

activation! {
    /// The defaults of a gated activation must meet its conditions too.
    pub gated struct ClampGate(lo = 1.0, hi = -1.0);
    f(a, b) = clamp(a, lo, hi) * b;
    where lo < hi;
}

fn main() {}
