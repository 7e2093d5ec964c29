use act_core::activation;
activation! {
    pub struct NotVector;
    f(x) = x * x;
    vjp(y, g) = 2 * y * g;
}
fn main() {}
