//! Running a test once per instruction-set level, for the test binaries that do not include
//! the accuracy harness (`tests/harness`, which has its own).

use std::sync::Mutex;

use act_core::dispatch::{self, Isa};

/// The dispatch level is process-wide: the tests forcing it take turns.
static ISA_LOCK: Mutex<()> = Mutex::new(());

/// Runs `f` once per instruction-set level this CPU has, with that level forced.
pub fn for_each_isa(mut f: impl FnMut(Isa)) {
    let _guard = ISA_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    for isa in Isa::available() {
        dispatch::force(Some(isa)).expect("an available level");
        f(isa);
    }
    dispatch::force(None).expect("back to automatic");
}
