use act_core::activation;
activation! {
    pub struct R;
    f(x) = x;
    range = (x, inf);
}
fn main() {}
