use act_core::activation;

activation! {
    /// The identity is unbounded: (0, 1) is false.
    pub struct Identity;
    f(x) = x;
    range = (0, 1);
}

fn main() {}
