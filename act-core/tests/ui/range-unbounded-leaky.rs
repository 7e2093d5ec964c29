use act_core::activation;

activation! {
    /// A leaky branch goes to -∞: a lower bound of 0 is false.
    pub struct Leaky;
    f(x) = if x > 0 { x } else { 0.1 * x };
    range = (0, inf);
}

fn main() {}
