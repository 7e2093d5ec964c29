//! The README's integration examples are this crate's `examples/`, verbatim, and they run.
//!
//! In the README each such block follows a comment naming its file: `<!--
//! tests/integrations/examples/half.rs -->`, then a ```` ```rust,ignore ```` block (act-core's own
//! doctests of the README run without the features these need).

use std::path::Path;

mod half_example {
    include!("../examples/half.rs");
    pub fn run() {
        main()
    }
}
mod rayon_example {
    include!("../examples/rayon.rs");
    pub fn run() {
        main()
    }
}
mod ndarray_example {
    include!("../examples/ndarray.rs");
    pub fn run() {
        main()
    }
}
mod candle_example {
    include!("../examples/candle.rs");
    pub fn run() -> candle_core::Result<()> {
        main()
    }
}

#[test]
fn half_example_runs() {
    half_example::run();
}

#[test]
fn rayon_example_runs() {
    rayon_example::run();
}

#[test]
fn ndarray_example_runs() {
    ndarray_example::run();
}

#[test]
fn candle_example_runs() {
    candle_example::run().unwrap();
}

/// The code block that follows `<!-- PATH -->` in the README.
fn readme_block(readme: &str, path: &str) -> Option<String> {
    let marker = format!("<!-- {path} -->");
    let after = &readme[readme.find(&marker)? + marker.len()..];
    let start = after.find("```rust,ignore\n")? + "```rust,ignore\n".len();
    let end = after[start..].find("\n```")? + start;
    Some(after[start..=end].to_string())
}

#[test]
fn readme_shows_these_examples_verbatim() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for name in ["half", "rayon", "ndarray", "candle"] {
        let path = format!("tests/integrations/examples/{name}.rs");
        let file = std::fs::read_to_string(root.join(&path)).unwrap();
        let block = readme_block(&readme, &path)
            .unwrap_or_else(|| panic!("README has no block marked <!-- {path} -->"));
        assert_eq!(
            block, file,
            "README's block for {path} differs from the file"
        );
    }
}
