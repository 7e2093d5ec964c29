use act_core::activation;
activation! {
    pub struct Scaled(alpha = 1.0);
    f(x) = alpah * x;
}
fn main() {}
