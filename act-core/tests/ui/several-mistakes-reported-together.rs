use act_core::activation;

activation! {
    /// Three mistakes, one compile: every one is reported, each at its own tokens.
    pub struct Clipped(min_val = 1.0, max_val = -1.0);
    f(x) = clamp(x, min_val, max_val);
    df(x) = 2;
    range = (0, max_val);
    where min_val < max_val;
}

fn main() {}
