//! Length checks of the slice methods: a mismatch panics with both lengths named, off the
//! hot path.

/// Panics, naming both lengths, when two slices that must match do not.
#[inline]
#[track_caller]
pub fn check_len(what: &str, a: usize, other: &str, b: usize) {
    if a != b {
        len_mismatch(what, a, other, b);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn len_mismatch(what: &str, a: usize, other: &str, b: usize) -> ! {
    panic!("length mismatch: `{what}` has {a} elements but `{other}` has {b}")
}

/// Checks a row-major batch: equal lengths and a whole number of rows of `cols`.
#[inline]
#[track_caller]
pub fn check_rows(what: &str, a: usize, other: &str, b: usize, cols: usize) {
    check_len(what, a, other, b);
    if cols == 0 && a != 0 || cols != 0 && a % cols != 0 {
        rows_mismatch(what, a, cols);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn rows_mismatch(what: &str, a: usize, cols: usize) -> ! {
    panic!("`{what}` has {a} elements, which is not a whole number of rows of {cols} columns")
}
