use act_core::activation;
activation! {
    pub struct TwoInputs;
    f(a, b) = a * sigmoid(b);
}
fn main() {}
