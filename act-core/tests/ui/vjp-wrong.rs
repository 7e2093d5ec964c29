use act_core::activation;
activation! {
    pub vector struct WrongVjp;
    f(x) = exp(x) / sum(exp(x));
    vjp(y, g) = y * g;
}
fn main() {}
