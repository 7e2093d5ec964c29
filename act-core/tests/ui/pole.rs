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

activation! {
    /// 0/0 at x = 0: NaN there, though the limit is 1.
    pub struct Sinc;
    f(x) = tanh(x) / x;
}

activation! {
    /// A parameter whose default is 0 divides.
    pub struct Scaled(b = 0.0);
    f(x) = x / b;
}

activation! {
    /// NaN at every input: `0 / 0` folded to a constant.
    pub struct Nowhere;
    f(x) = x * 0 / 0;
}

fn main() {}
