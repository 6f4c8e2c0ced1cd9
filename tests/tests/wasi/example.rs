//! `examples/wasi_cat.wat`, the guest of the embedding example, on both
//! backends: it prints the file it was given, and without a preopen it
//! exits with 100 + EBADF.
use crate::harness::{run, scratch_dir, Backend, RunSpec};
use std::path::Path;
use wasmbed::{Engine, Module};

#[test]
fn the_embedding_example_guest_prints_its_file() {
    let engine = Engine::default();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/wasi_cat.wat");
    let module = Module::from_file(&engine, &path).expect("the example guest compiles");
    let root = scratch_dir("example");
    std::fs::write(root.join("greeting.txt"), "hi from a file\n").unwrap();
    for &backend in Backend::ALL {
        let spec = RunSpec {
            args: vec!["wasi_cat".into()],
            root: Some(root.clone()),
            ..RunSpec::default()
        };
        let out = run(&engine, &module, &spec, backend);
        assert_eq!(out.stdout, b"hi from a file\n", "{}", backend.name());
        assert_eq!(out.exit_code, 0);
        if let Some(dir) = out.host_root {
            let _ = std::fs::remove_dir_all(dir);
        }
        let out = run(&engine, &module, &RunSpec::default(), backend);
        assert_eq!(out.exit_code, 108, "{}", backend.name());
    }
    let _ = std::fs::remove_dir_all(root);
}
