use act_core::activation;
activation! {
    pub struct NoDefault(alpha);
    f(x) = alpha * x;
}
fn main() {}
