use act_core::activation;

activation! {
    /// `new` checks the conditions at compile time in a const context.
    pub struct Clip(min_val = -1.0, max_val = 1.0);
    f(x) = clamp(x, min_val, max_val);
    where min_val < max_val;
}

const BAD: Clip = Clip::new(3.0, -2.0);

fn main() {
    let _ = BAD;
}
