use act_core::activation;
activation! {
    pub struct NotVector;
    f(x) = x / sum(x);
}
fn main() {}
