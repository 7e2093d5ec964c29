use act_core::activation;
activation! {
    pub struct Half;
    f(x) = if x > 0 { x };
}
fn main() {}
