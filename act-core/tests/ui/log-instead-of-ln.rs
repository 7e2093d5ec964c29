use act_core::activation;
activation! {
    pub struct Log;
    f(x) = log(1 + exp(x));
}
fn main() {}
