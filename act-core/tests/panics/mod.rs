//! Where a panic is located: for the tests that check `#[track_caller]` (a panic names the
//! caller's line, not a line inside act-core).

/// Runs `f`, which must panic with a message containing `needle`, and returns the file and
/// line the panic names. Other tests of the binary may panic meanwhile: only a message with
/// `needle` counts.
pub fn panic_location<R>(
    needle: &str,
    f: impl FnOnce() -> R + std::panic::UnwindSafe,
) -> (String, u32) {
    let hook = std::panic::take_hook();
    let (tx, rx) = std::sync::mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let needle = needle.to_string();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        if msg.contains(&needle) {
            let loc = info.location().map(|l| (l.file().to_string(), l.line()));
            let _ = tx.lock().unwrap().send(loc);
        }
    }));
    let result = std::panic::catch_unwind(f);
    std::panic::set_hook(hook);
    assert!(result.is_err(), "no panic");
    rx.recv().unwrap().expect("a location")
}
