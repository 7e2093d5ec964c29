use act_core::activation;
activation! {
    pub gated struct OneInput;
    f(a) = a * sigmoid(a);
}
fn main() {}
