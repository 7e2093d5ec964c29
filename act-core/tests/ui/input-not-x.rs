use act_core::activation;
activation! {
    pub struct Named;
    f(y) = y;
}
fn main() {}
