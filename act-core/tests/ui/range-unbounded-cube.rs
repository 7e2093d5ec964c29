use act_core::activation;

activation! {
    /// x³ goes to -∞: a lower bound of 0 is false.
    pub struct Cube;
    f(x) = x * x * x;
    range = (0, inf);
}

fn main() {}
