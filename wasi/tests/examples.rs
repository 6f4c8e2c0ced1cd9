//! Runs the embedding example of this package (`examples/wasi_memfs.rs`)
//! and checks what it reports, so it cannot rot. The example's `run` is its
//! `main` without the printing.
#![cfg(feature = "std")]

#[allow(dead_code)] // `main`: the example's entry point, not called here
#[path = "../../examples/wasi_memfs.rs"]
mod wasi_memfs;

#[test]
fn wasi_memfs_example() {
    let out = wasi_memfs::run(None).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        out,
        format!(
            "guest exited with code 0; its stdout was:\n{}\
             files after the run: [\"greeting.txt\"]\n\
             on an empty filesystem the guest exited with code 144 (100 + ENOENT)\n",
            wasi_memfs::GREETING
        )
    );
}
