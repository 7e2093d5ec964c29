use act_core::prelude::*;
fn main() {
    let _ = SwiGlu.forward(1.0f32);
}
