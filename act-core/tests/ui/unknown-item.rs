use act_core::activation;
activation! {
    pub struct Extra;
    f(x) = x;
    domain = (0, 1);
}
fn main() {}
