use act_core::activation;
activation! {
    pub struct Square;
    f(x) = x ^ 2;
}
fn main() {}
