//! Text -> parse -> differentiate -> simplify -> evaluate -> print -> parse again. Any input
//! must end in a formula or an error, never a panic, a hang or a stack overflow; a printed
//! formula must parse back. The same text also goes through the macro's expansion as the body
//! of a parametric elementwise declaration (parameter gradients) and of a gated one (two
//! inputs), which must give code or a compile error, never a panic.
#![no_main]

use act_expr::Formula;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The parser's span locations keep each text in a per-thread map; release it each run.
    proc_macro2::extra::invalidate_current_thread_spans();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for vector in [false, true] {
        let parsed = if vector {
            Formula::parse_vector(text, &[("alpha", 1.5)])
        } else {
            Formula::parse_with_params(text, &[("alpha", 1.5)])
        };
        let Ok(f) = parsed else {
            continue;
        };
        if !vector {
            for x in [-1e300, -3.0, -0.0, 0.5, 2.0, 1e300, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                let _ = f.eval(x);
                let _ = f.eval_derivative(x);
            }
        } else {
            let mut out = [0.0; 3];
            f.eval_vector(&[1.0, -2.0, 1000.0], &mut out);
        }
        let printed = f.to_string();
        let back = Formula::parse_with_params(&printed, &[("alpha", 1.5)])
            .or_else(|_| Formula::parse_vector(&printed, &[("alpha", 1.5)]));
        assert!(back.is_ok(), "{text:?} printed as {printed:?}, which does not parse: {:?}", back.err());
        let derivative = f.derivative_text();
        assert!(!derivative.is_empty());
        if !vector && f.size() < 64 {
            let _ = f.range();
            // Only texts the formula parser accepted reach syn's item parser here (it has
            // exponential cases that the formula parser refuses up front).
            for decl in [
                format!("pub struct P(alpha = 1.5); f(x) = {text};"),
                format!("pub gated struct G(alpha = 1.5); f(x, b) = {text};"),
                format!("pub gated struct H; f(x, b) = b * ({text});"),
            ] {
                if let Ok(tokens) = decl.parse::<proc_macro2::TokenStream>() {
                    let _ = act_expr::expand_activation(tokens);
                }
            }
        }
    }
});
