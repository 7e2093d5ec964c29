use act_core::activation;
activation! {
    pub gated struct WithDf;
    f(a, b) = a * b;
    df(a, b) = b;
}
fn main() {}
