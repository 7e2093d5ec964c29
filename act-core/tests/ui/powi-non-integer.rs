use act_core::activation;
activation! {
    pub struct Pow;
    f(x) = powi(x, 2.5);
}
fn main() {}
