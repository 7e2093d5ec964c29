use act_core::activation;
activation! {
    pub struct TrailingComma;
    f(x) = max(x,);
}
fn main() {}
