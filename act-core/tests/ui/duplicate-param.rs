use act_core::activation;
activation! {
    pub struct Twice(alpha = 1.0, alpha = 2.0);
    f(x) = alpha * x;
}
fn main() {}
