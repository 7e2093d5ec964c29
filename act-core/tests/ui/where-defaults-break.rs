use act_core::activation;

activation! {
    /// The defaults must meet the declared conditions.
    pub struct Clip(min_val = 1.0, max_val = -1.0);
    f(x) = clamp(x, min_val, max_val);
    where min_val < max_val;
}

fn main() {}
