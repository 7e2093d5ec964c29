use act_core::activation;
activation! {
    pub vector struct Soft;
    f(x) = exp(x) / sum(exp(x));
    df(x) = x;
}
fn main() {}
