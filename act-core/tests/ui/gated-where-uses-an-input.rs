use act_core::activation;

activation! {
    /// A condition is about the parameters, not the inputs.
    pub gated struct ScaledGate(beta = 1.0);
    f(u, v) = u * sigmoid(beta * u) * v;
    where beta > 0, v != 0;
}

fn main() {}
