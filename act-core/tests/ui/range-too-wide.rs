use act_core::activation;
activation! {
    pub struct Rel;
    f(x) = max(0, x);
    range = (-1, inf);
}
fn main() {}
