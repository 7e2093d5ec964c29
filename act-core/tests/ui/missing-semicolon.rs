use act_core::activation;

activation! {
    /// The last `;` is missing: the error points after the formula, not at the macro.
    pub struct Half;
    f(x) = x / 2
}

fn main() {}
