use act_core::activation;
activation! {
    pub struct Suffix;
    f(x) = 2u8 * x;
}
fn main() {}
