use act_core::activation;
activation! {
    pub struct Bad;
    f(x) = x * sigmod(x);
}
fn main() {}
