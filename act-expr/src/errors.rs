//! Errors collected over a declaration's checks, so that one compile reports every mistake
//! (as serde_derive's `Ctxt` does), each as its own `compile_error!` at its own tokens.

/// The errors found so far, combined into one `syn::Error` (one `compile_error!` each).
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Records an error.
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    /// The value of `r`, or `None` with its error recorded.
    pub fn take<T>(&mut self, r: syn::Result<T>) -> Option<T> {
        r.map_err(|e| self.push(e)).ok()
    }

    /// `Ok(())` when nothing was recorded, else every error.
    pub fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }

    /// `Err` with every error recorded and then `e`.
    pub fn with(mut self, e: syn::Error) -> syn::Error {
        self.push(e);
        self.0.expect("just pushed")
    }
}
