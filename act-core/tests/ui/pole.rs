use act_core::activation;

activation! {
    /// Softsign with `abs` forgotten: a pole at -1.
    pub struct BadSoftsign;
    f(x) = x / (1 + x);
}

activation! {
    /// Not defined for x < 0.
    pub struct Log;
    f(x) = ln(x);
}

fn main() {}
