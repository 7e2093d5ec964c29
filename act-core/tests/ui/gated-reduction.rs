use act_core::activation;
activation! {
    pub gated struct Normalised;
    f(a, b) = a * b / sum(b);
}
fn main() {}
