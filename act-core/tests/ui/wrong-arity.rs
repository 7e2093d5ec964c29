use act_core::activation;
activation! {
    pub struct Arity;
    f(x) = exp(x, 2);
}
fn main() {}
