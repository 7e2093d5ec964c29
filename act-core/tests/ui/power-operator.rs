use act_core::activation;

activation! {
    /// `**` is not Rust's power operator.
    pub struct Square;
    f(x) = x ** 2;
}

fn main() {}
