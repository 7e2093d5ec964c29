use act_core::activation;
activation! {
    pub gated struct Clash(b = 1.0);
    f(a, b) = a * b;
}
fn main() {}
