//! Copies the "Writing a platform for a new host" section of
//! `ARCHITECTURE.md` to `OUT_DIR`, where `lib.rs` includes it as the docs of
//! a `cfg(doctest)` item: its example then compiles and runs with the crate's
//! doctests, so the document cannot drift from the API. (The rest of the
//! file holds sketches and diagrams that are not meant to compile.)
use std::path::PathBuf;

const HEADING: &str = "\n## Writing a platform for a new host\n";

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let doc = manifest.join("../ARCHITECTURE.md");
    println!("cargo:rerun-if-changed={}", doc.display());
    // Outside the workspace (a packaged crate) there is no document to check.
    let section = match std::fs::read_to_string(&doc) {
        Ok(text) => {
            let (_, rest) = text
                .split_once(HEADING)
                .expect("ARCHITECTURE.md has a `## Writing a platform for a new host` section");
            let section = rest.split("\n## ").next().unwrap_or_default();
            assert!(
                section.contains("```rust"),
                "the new-host section of ARCHITECTURE.md has a Rust example"
            );
            section.to_string()
        }
        Err(_) => String::new(),
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("new_host.md");
    std::fs::write(out, section).unwrap();
}
