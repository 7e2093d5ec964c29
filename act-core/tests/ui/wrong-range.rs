use act_core::activation;
activation! {
    pub struct Sig;
    f(x) = 1 / (1 + exp(-x));
    range = (0, 0.5);
}
fn main() {}
