//! The project's own `.wast` scripts for interpreter-specific cases (op
//! fusion and other translation shapes the spec scripts do not single
//! out): every script in `tests/interp/` must pass in the default
//! configuration and with fuel, interruption and eager translation.
use std::path::Path;
use wasmbed::Config;
use wasmbed_cli::wast::run_file_with;

fn configs() -> Vec<(&'static str, Config)> {
    let mut metered = Config::new();
    metered
        .consume_fuel(true)
        .interruptible(true)
        .lazy_translation(false);
    vec![("default", Config::new()), ("metered", metered)]
}

#[test]
fn interp_scripts_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interp");
    let mut scripts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wast"))
        .collect();
    scripts.sort();
    assert!(!scripts.is_empty(), "no scripts in {}", dir.display());
    for (name, config) in configs() {
        for path in &scripts {
            let report = run_file_with(path, &config).unwrap_or_else(|e| panic!("{e}"));
            let stem = path.file_stem().unwrap().to_string_lossy();
            assert!(
                report.failed == 0 && report.passed > 0,
                "{name}: {}",
                report.render(&stem, Some(20))
            );
        }
    }
}
