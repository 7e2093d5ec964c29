use act_core::activation;

activation! {
    /// A condition compares; it uses parameters and arithmetic only.
    pub struct Scaled(alpha = 1.0);
    f(x) = alpha * x;
    where alpha, exp(alpha) > 0, beta > 0;
}

fn main() {}
