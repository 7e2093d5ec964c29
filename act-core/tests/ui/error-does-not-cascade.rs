// The struct still exists after an error in its formula: its uses compile, and the only error
// is the one in the formula.
use act_core::prelude::*;
activation! {
    pub struct Typo(alpha = 1.0);
    f(x) = alpha * sigmod(x);
}
fn main() {
    let t = Typo::new(2.0);
    let _ = t.forward(1.0f64);
    let _ = Typo::FORMULA;
}
