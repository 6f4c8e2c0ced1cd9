//! Puts `memory.x` where `cortex-m-rt`'s `link.x` finds it, and assembles
//! the text-format guest (`guests/hello.wat`) into `$OUT_DIR/hello.wasm`
//! for the firmware to embed.
use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy("memory.x", out.join("memory.x")).expect("copy memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");

    let wasm = wat::parse_file("guests/hello.wat").unwrap_or_else(|e| panic!("{e}"));
    fs::write(out.join("hello.wasm"), wasm).expect("write hello.wasm");
    println!("cargo:rerun-if-changed=guests/hello.wat");
}
