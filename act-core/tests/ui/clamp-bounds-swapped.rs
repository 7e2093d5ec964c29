use act_core::activation;
activation! {
    pub struct Swapped;
    f(x) = clamp(x, 1.0, -1.0);
}
fn main() {}
