use act_core::activation;
activation! {
    pub struct Nothing;
}
fn main() {}
