use act_core::activation;
activation! {
    pub struct Method;
    f(x) = x.exp();
}
fn main() {}
