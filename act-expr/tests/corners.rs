//! An extreme at a kink, through the interpreter (`Formula::range`), against its closed form.

use act_expr::Formula;

#[test]
fn a_maximum_at_an_abs_kink_is_exact() {
    // sqrt(x^2 + 1) - |x| = 1 / (sqrt(x^2 + 1) + |x|): the maximum is 1, at x = 0 (where
    // the formula's pieces give exactly 1), and the infimum 0 is the limit at ±∞. The
    // analysis reported 0.9999999999999999 at -5.6e-17: rounding noise next to the corner.
    for text in [
        "sqrt(powi(x, 2) + 1) - abs(x)",
        "sqrt(x * x + 1) - abs(x)",
        "1 / (sqrt(x * x + 1) + abs(x))",
    ] {
        let f = Formula::parse(text).unwrap();
        let r = f.range();
        assert_eq!(f.eval(0.0), 1.0, "{text}");
        assert_eq!(
            (r.min, r.max, r.min_attained, r.max_attained, r.argmax),
            (0.0, 1.0, false, true, Some(0.0)),
            "{text}"
        );
    }
    // Its mirror image has the minimum -1 at 0.
    let r = Formula::parse("abs(x) - sqrt(powi(x, 2) + 1)")
        .unwrap()
        .range();
    assert_eq!((r.min, r.min_attained, r.argmin), (-1.0, true, Some(0.0)));
}
